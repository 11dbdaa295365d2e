// `digits explain IMAGE --output PNG`: what the network computed for one
// drawing, as one picture -- the input, where the model looks (Grad-CAM and
// gradient x input for its answer, Grad-CAM for the runner-up, and Grad-CAM
// laid over the original image), every convolution's and pooling's feature
// maps, the 128 dense activations and the 10 outputs. For a number, one
// digit (the first unless told).
#pragma once

#include <string>

namespace digits::train {

struct ExplainOptions {
  std::string image, output, weights;
  int digit = 0;  // which digit of a number, left to right
};

// Writes the PNG and prints the reading; returns the process exit code.
int explain(const ExplainOptions& options);

}  // namespace digits::train
