// Segmentation of a drawing into digits.
#include "digits/segment.h"

namespace digits {

Segmentation segment(const float* pixels, int width, int height, const ConfidenceFn& /*confidence*/) {
  Segmentation s;
  Preprocessed whole = preprocess(pixels, width, height);
  s.inverted = whole.inverted;
  if (!whole.empty) s.digits.push_back({whole});
  return s;
}

}  // namespace digits
