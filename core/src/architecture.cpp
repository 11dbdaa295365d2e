// Builds the reference architecture once, deriving every shape from the input.
#include "digits/architecture.h"

#include <cstdio>
#include <string>

namespace digits {
namespace {

constexpr float kBatchNormEpsilon = 1e-5f;

class Builder {
 public:
  explicit Builder(Shape input) : shape_(input) {
    descriptor_ =
        std::to_string(input.width) + 'x' + std::to_string(input.height) + 'x' + std::to_string(input.channels);
  }

  Builder& conv(int channels, int kernel) {
    LayerSpec l{LayerKind::Conv, shape_, {}};
    l.kernel = kernel;
    l.relu = true;
    l.out = {shape_.width - kernel + 1, shape_.height - kernel + 1, channels};
    descriptor_ += " c" + std::to_string(channels) + 'k' + std::to_string(kernel) + 'r';
    return push(l, {{"weights", channels * shape_.channels * kernel * kernel}, {"bias", channels}});
  }
  Builder& batch_norm() {
    LayerSpec l{LayerKind::BatchNorm, shape_, shape_};
    l.epsilon = kBatchNormEpsilon;
    descriptor_ += " bn";
    return push(l, {{"mean", shape_.channels}, {"variance", shape_.channels}});
  }
  Builder& max_pool(int side) {
    LayerSpec l{LayerKind::MaxPool, shape_, {shape_.width / side, shape_.height / side, shape_.channels}};
    l.kernel = side;
    descriptor_ += " p" + std::to_string(side);
    return push(l, {});
  }
  Builder& dropout(float rate) {
    LayerSpec l{LayerKind::Dropout, shape_, shape_};
    l.rate = rate;
    char text[32];  // "%g": what an ostream printed, so descriptors of existing files still match
    std::snprintf(text, sizeof text, " d%g", static_cast<double>(rate));
    descriptor_ += text;
    return push(l, {});
  }
  Builder& dense(int units, bool softmax) {
    LayerSpec l{LayerKind::Dense, shape_, {1, 1, units}};
    l.relu = !softmax;
    l.softmax = softmax;
    descriptor_ += " f" + std::to_string(units) + (softmax ? 's' : 'r');
    return push(l, {{"weights", shape_.size() * units}, {"bias", units}});
  }

  Architecture build() {
    arch_.descriptor = descriptor_;
    return arch_;
  }

 private:
  struct Tensor {
    const char* name;
    int size;
  };
  Builder& push(const LayerSpec& layer, std::vector<Tensor> tensors) {
    const int index = static_cast<int>(arch_.layers.size());
    arch_.layers.push_back(layer);
    for (const Tensor& t : tensors) {
      arch_.tensors.push_back({index, layer_name(layer) + std::to_string(index) + "." + t.name, t.size});
    }
    shape_ = layer.out;
    return *this;
  }

  Shape shape_;
  Architecture arch_;
  std::string descriptor_;  // no stream: the page's wasm carries no iostream code
};

}  // namespace

int Architecture::parameter_count() const {
  int count = 0;
  for (const TensorSpec& t : tensors) {
    if (layers[t.layer].kind == LayerKind::Conv || layers[t.layer].kind == LayerKind::Dense) count += t.size;
  }
  return count;
}

std::string layer_name(const LayerSpec& layer) {
  switch (layer.kind) {
    case LayerKind::Conv:
      return "conv";
    case LayerKind::BatchNorm:
      return "batchnorm";
    case LayerKind::MaxPool:
      return "maxpool";
    case LayerKind::Dropout:
      return "dropout";
    case LayerKind::Dense:
      return "dense";
  }
  return "?";
}

const Architecture& reference_architecture() {
  static const Architecture arch = Builder({kImageSide, kImageSide, 1})
                                       .conv(32, 3)
                                       .batch_norm()
                                       .conv(32, 3)
                                       .batch_norm()
                                       .max_pool(2)
                                       .dropout(0.25f)
                                       .conv(64, 3)
                                       .batch_norm()
                                       .conv(64, 3)
                                       .batch_norm()
                                       .max_pool(2)
                                       .dropout(0.25f)
                                       .dense(128, false)
                                       .batch_norm()
                                       .dropout(0.5f)
                                       .dense(kClasses, true)
                                       .build();
  return arch;
}

}  // namespace digits
