// Splits a drawing into the digits it holds, left to right, and preprocesses
// each the MNIST way. Strokes of one digit are grouped; touching digits are
// cut where the classifier is most confident about both halves
// (recognition-driven segmentation), which is why it takes a callback.
#pragma once

#include <array>
#include <functional>
#include <vector>

#include "digits/preprocess.h"

namespace digits {

struct Segment {
  Preprocessed input;  // input.ink: the digit's box on the canvas
};

struct Segmentation {
  bool inverted = false;
  std::vector<Segment> digits;  // left to right; empty when nothing is drawn
};

// How sure the classifier is about one 28x28 input (its top probability).
using ConfidenceFn = std::function<float(const std::array<float, kImageSize>&)>;

// `pixels` is `width` x `height`, values in [0,1], either polarity.
Segmentation segment(const float* pixels, int width, int height, const ConfidenceFn& confidence);

}  // namespace digits
