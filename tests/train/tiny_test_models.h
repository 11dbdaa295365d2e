// Helpers shared by the tests that compare tiny-dnn with core on the same weights.
#pragma once

#include <random>
#include <string>

#include "digits/architecture.h"
#include "digits/model.h"
#include "tiny_network.h"

namespace testing {

// The network's parameters with its batch-norm statistics perturbed so they
// matter (fresh ones are 0 and 1).
inline digits::Model randomised(digits::train::TinyNetwork& t, unsigned seed) {
  digits::Model m = digits::train::extract_parameters(t);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(0.5f, 1.5f);
  const auto& arch = digits::reference_architecture();
  for (std::size_t i = 0; i < m.tensors.size(); ++i) {
    if (arch.layers[arch.tensors[i].layer].kind != digits::LayerKind::BatchNorm) continue;
    for (float& v : m.tensors[i]) v = u(rng) - (arch.tensors[i].name.find("mean") != std::string::npos ? 1.0f : 0.0f);
  }
  return m;
}

}  // namespace testing
