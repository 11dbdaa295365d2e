// Turns a drawing into what the network expects, the way MNIST itself was
// made: crop to the ink, scale the longer side to 20 px with area averaging
// (keeping the aspect ratio), then place it in 28x28 so its centre of mass
// sits at the centre. Light backgrounds are detected and inverted.
#pragma once

#include <array>
#include <cstdint>

#include "digits/architecture.h"

namespace digits {

struct Box {
  int x = 0, y = 0, width = 0, height = 0;
};

// Where the ink box landed in the 28x28 input: its top-left corner at (x, y)
// and one canvas pixel `scale_x` x `scale_y` input pixels, in continuous
// coordinates (pixel i spans [i, i+1)). Relative to the ink box, so moving the
// box (a digit cut from a larger canvas) keeps it right. Maps anything
// computed on the input (saliency) back onto the drawing: see saliency.h.
struct Placement {
  float scale_x = 1, scale_y = 1, x = 0, y = 0;
};

struct Preprocessed {
  bool empty = true;  // no (or too little) ink: nothing to predict
  bool inverted = false;
  Box ink;                                // bounding box of the ink, in canvas pixels
  Placement placement;                    // where `ink` landed in `image`
  std::array<float, kImageSize> image{};  // 28x28, 0 = background, 1 = ink
};

// What preprocess() counts as ink, shared with segmentation so both agree:
// pixels above kInkThreshold (after inverting a light background), and no
// digit at all when fewer than kMinInkFraction of the canvas is ink.
constexpr float kInkThreshold = 0.2f;
constexpr float kMinInkFraction = 0.0005f;
// Whether the canvas border is mostly light (dark ink on a light background).
bool light_background(const float* pixels, int width, int height);

// Where the ink is: the bounding box of the pixels above kInkThreshold (after
// inverting the canvas when `inverted`) and how many there are; an empty box
// (width 0) when there are none. One vectorised pass over the canvas.
struct InkExtent {
  Box box;
  long count = 0;
};
InkExtent ink_extent(const float* pixels, int width, int height, bool inverted);

// Copies box `b` of the canvas into `out` (rows `out_stride` apart) as ink:
// std::clamp(inverted ? 1 - value : value, 0, 1). Returns the largest.
float copy_ink(const float* pixels, int width, const Box& b, bool inverted, float* out, int out_stride);

// `pixels` is `width` x `height`, row-major, values in [0,1].
Preprocessed preprocess(const float* pixels, int width, int height);
// The same, for a caller that already has light_background() and
// ink_extent() of these pixels (segmentation): the canvas is not scanned again.
Preprocessed preprocess(const float* pixels, int width, int height, bool inverted, const InkExtent& extent);
Preprocessed preprocess(const std::uint8_t* pixels, int width, int height);

// Centre of mass (x, y) of a 28x28 image, in pixel units; (13.5, 13.5) is the centre.
std::array<float, 2> centre_of_mass(const std::array<float, kImageSize>& image);

}  // namespace digits
