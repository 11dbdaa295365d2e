// Writes the network the app runs (batch norm folded into the next layer, as
// core's Network holds it) as raw float32 tensors, for the peer benchmark's
// export script to rebuild it in PyTorch, ONNX and TensorFlow.js; plus a few
// MNIST test images and core's probabilities for them, so every peer can be
// checked to compute the same function before it is timed.
//   export_tensors WEIGHTS MNIST_DIR OUT_DIR
// OUT_DIR/manifest.json lists each layer's name, kind, shapes and file.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include "digits/error.h"
#include "digits/idx.h"
#include "digits/inference.h"
#include "digits/model.h"

using namespace digits;

namespace {

constexpr int kCheckImages = 16;

void write_floats(const std::string& path, const float* data, std::size_t count) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(count * sizeof(float)));
  if (!out) throw Error(path + ": cannot write");
}

std::string shape_text(const Shape& s) {
  return "[" + std::to_string(s.channels) + "," + std::to_string(s.height) + "," + std::to_string(s.width) + "]";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: export_tensors WEIGHTS MNIST_DIR OUT_DIR\n";
    return 2;
  }
  try {
    const std::string out = argv[3];
    Network network(load_model(argv[1]));
    std::string manifest = "{\n  \"layers\": [\n";
    bool first = true;
    for (const Network::Layer& l : network.layers()) {
      if (l.op != Network::Op::Conv && l.op != Network::Op::Dense) continue;
      const bool conv = l.op == Network::Op::Conv;
      write_floats(out + "/" + l.name + ".weights.f32", l.weights.data(), l.weights.size());
      write_floats(out + "/" + l.name + ".bias.f32", l.bias.data(), l.bias.size());
      manifest += std::string(first ? "" : ",\n") + "    {\"name\": \"" + l.name + "\", \"kind\": \"" +
                  (conv ? "conv" : "dense") + "\", \"in\": " + shape_text(l.in) + ", \"out\": " + shape_text(l.out) +
                  ", \"kernel\": " + std::to_string(l.kernel) + ", \"relu\": " + (l.relu ? "true" : "false") +
                  ", \"weights_layout\": \"" + (conv ? "[out][in][ky][kx]" : "[in][out]") + "\"}";
      first = false;
    }
    // The check images (first test images, [0, 1]) and core's probabilities for them.
    const Dataset test = load_mnist(argv[2], "t10k");
    std::vector<float> images(static_cast<std::size_t>(kCheckImages) * kImageSize), probabilities;
    to_unit_floats(test.images.pixels.data(), images.data(), static_cast<int>(images.size()));
    for (int i = 0; i < kCheckImages; ++i) {
      const Probabilities p = network.predict(&images[static_cast<std::size_t>(i) * kImageSize]);
      probabilities.insert(probabilities.end(), p.begin(), p.end());
    }
    write_floats(out + "/check_images.f32", images.data(), images.size());
    write_floats(out + "/check_probabilities.f32", probabilities.data(), probabilities.size());
    manifest += "\n  ],\n  \"check_images\": " + std::to_string(kCheckImages) + ",\n  \"source\": \"" +
                std::string(argv[1]) + "\"\n}\n";
    std::ofstream(out + "/manifest.json") << manifest;
    std::cout << "wrote " << out << "/manifest.json and the tensors it lists\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 1;
  }
}
