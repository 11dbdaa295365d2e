// Core's own forward pass of the reference CNN: the code the browser, the
// desktop app and `digits evaluate` all run. Batch norm is folded into the
// next convolution or dense layer when the network is built, so a prediction
// is four convolutions, two poolings and two matrix-vector products, with no
// allocation per call.
#pragma once

#include <array>
#include <vector>

#include "digits/architecture.h"
#include "digits/model.h"

namespace digits {

using Probabilities = std::array<float, kClasses>;

class Network {
 public:
  explicit Network(const Model& model);

  // `image` is 28x28 row-major, 0 = background, 1 = ink (MNIST scaled to [0,1]).
  Probabilities predict(const float* image);

 private:
  enum class Op { Conv, MaxPool, Dense };
  struct Step {
    Op op = Op::Conv;
    Shape in, out;
    int kernel = 0;
    bool relu = false, softmax = false;
    std::vector<float> weights, bias;
  };

  std::vector<Step> steps_;
  std::vector<float> buffer_a_, buffer_b_;
};

int argmax(const Probabilities& p);

}  // namespace digits
