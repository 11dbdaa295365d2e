// The one definition of the reference CNN: layer list, shapes and the
// parameter tensors each layer owns. The trainer builds its tiny-dnn network
// from this list and core's inference runs it; nothing else repeats a shape.
#pragma once

#include <string>
#include <vector>

namespace digits {

constexpr int kImageSide = 28;
constexpr int kImageSize = kImageSide * kImageSide;
constexpr int kClasses = 10;

enum class LayerKind { Conv, BatchNorm, MaxPool, Dropout, Dense };

struct Shape {
  int width = 1, height = 1, channels = 1;
  int size() const { return width * height * channels; }
};

struct LayerSpec {
  LayerKind kind;
  Shape in, out;
  int kernel = 0;        // Conv: square kernel side; MaxPool: pool side
  float rate = 0.0f;     // Dropout: fraction of units dropped
  bool relu = false;     // Conv/Dense: ReLU after the affine part
  bool softmax = false;  // Dense: softmax output
  float epsilon = 0.0f;  // BatchNorm: added to the variance
};

// A parameter tensor a layer owns, in tiny-dnn's memory layout:
// conv weights [out][in][ky][kx], dense weights [in][out], then biases;
// batch norm owns its running mean and variance.
struct TensorSpec {
  int layer;
  std::string name;
  int size;
};

struct Architecture {
  std::vector<LayerSpec> layers;
  std::vector<TensorSpec> tensors;
  std::string descriptor;  // e.g. "28x28x1 c32r b c32r b p2 d0.25 ..."
  int parameter_count() const;
};

// conv32-conv32-pool-drop, conv64-conv64-pool-drop, dense128-drop, dense10,
// with batch norm after every ReLU and 'valid' 3x3 convolutions.
const Architecture& reference_architecture();

std::string layer_name(const LayerSpec& layer);

}  // namespace digits
