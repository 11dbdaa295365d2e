// Where the network looks: the gradient of one class's logit, carried back
// through the layer outputs a Network kept from its last predict(), turned
// into a 28x28 map of the input.
//
//   Grad-CAM: each conv4 channel is weighted by the spatial mean of the
//     logit's gradient over it; the ReLU of the weighted sum of the channels
//     (8x8) is upsampled to 28x28 by the geometry of the receptive fields.
//   Gradient x input: the logit's gradient with respect to each input pixel,
//     times the pixel; its positive part is the evidence for the class.
//
// A Saliency object owns every scratch buffer, sized once for the reference
// architecture: compute() allocates nothing, so it can run on every change.
#pragma once

#include <array>
#include <vector>

#include "digits/architecture.h"
#include "digits/inference.h"
#include "digits/preprocess.h"

namespace digits {

enum class SaliencyMethod { GradCam, GradientTimesInput };

// Side of Grad-CAM's coarse map: conv4's output.
constexpr int kCamSide = 8;

class Saliency {
 public:
  Saliency();

  // The saliency of class `label` for the image `network` last predicted
  // (`image`: that same 28x28 input). Returns map(): values in [0,1],
  // scaled so the strongest pixel is 1 (all 0 when nothing speaks for the class).
  const std::array<float, kImageSize>& compute(const Network& network, const float* image, int label,
                                               SaliencyMethod method);

  const std::array<float, kImageSize>& map() const { return map_; }
  // Intermediates of the last compute(), unscaled:
  // d logit / d conv4 output (64 x 8 x 8, channel-major, like the layer's output),
  const std::vector<float>& conv4_gradient() const { return gradients_[conv4_]; }
  // Grad-CAM's 8x8 map before upsampling (GradCam only),
  const std::array<float, kCamSide * kCamSide>& cam() const { return cam_; }
  // d logit / d input pixel (GradientTimesInput only).
  const std::array<float, kImageSize>& input_gradient() const { return input_gradient_; }

 private:
  std::vector<std::vector<float>> gradients_;  // d logit / d each layer's output
  std::vector<float> pre_activation_;          // the same, through a layer's ReLU
  std::vector<float> padded_, flipped_;        // a convolution's padded gradient and flipped kernel
  std::array<float, kCamSide * kCamSide> cam_{};
  std::array<float, kImageSize> input_gradient_{}, map_{};
  int conv4_ = 0;
};

// Bilinear upsampling of an 8x8 conv4 map to the 28x28 input: conv4 cell
// (x, y) sees input pixels 2x..2x+13, so its value sits at the centre of
// that window (input coordinate 2x + 7, pixel edges at integers).
void upsample_cam(const float* cam, float* image);

// Canvas position of input coordinate (u, v), and back, through where
// preprocess() placed the ink box `ink` (see Preprocessed::placement).
std::array<float, 2> input_to_canvas(const Box& ink, const Placement& p, float u, float v);
std::array<float, 2> canvas_to_input(const Box& ink, const Placement& p, float x, float y);

// A 28x28 map at input coordinate (u, v) (pixel edges at integers), bilinear,
// 0 outside the input: what an overlay on the canvas shows at each point.
float sample_map(const std::array<float, kImageSize>& map, float u, float v);

}  // namespace digits
