// Ours in Chromium without the app: core's forward pass compiled to wasm with
// the page's flags, for run.mjs to time next to the peers the way it times
// them (the page itself also preprocesses and segments; run.mjs reports both).
// The weights file is fetched by the page, not embedded, so its bytes count
// like a peer's model file.
//   peer_load(bytes, size) -> 1 on success (else the error is printed)
//   peer_predict(image 28x28 floats, out 10 floats)
#include <cstdio>
#include <memory>

#include "digits/error.h"
#include "digits/inference.h"
#include "digits/model.h"

namespace {
std::unique_ptr<digits::Network> network;
}

extern "C" {

int peer_load(const unsigned char* bytes, int size) {
  try {
    network = std::make_unique<digits::Network>(
        digits::parse_model(bytes, static_cast<std::size_t>(size), "the fetched weights file"));
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 0;
  }
}

void peer_predict(const float* image, float* out) {
  const digits::Probabilities p = network->predict(image);
  for (int c = 0; c < digits::kClasses; ++c) out[c] = p[static_cast<std::size_t>(c)];
}
}
