// Random distortions of 28x28 training digits that make the model robust to
// how people draw on a canvas: rotation, scale, shear, shift, and thicker or
// thinner strokes. Pure C++: the same RNG seed gives the same images.
#pragma once

#include <random>

#include "digits/architecture.h"

namespace digits::train {

struct AugmentConfig {
  float max_rotation_degrees = 12.0f;
  float max_scale = 0.12f;  // +-12% size
  float max_shear = 0.15f;
  float max_shift = 2.5f;  // pixels
  float thicken_probability = 0.3f;
  float thin_probability = 0.15f;
};

// `in` and `out` are 28x28 in [0,1]; they must not overlap.
void augment(const float* in, float* out, std::mt19937& rng, const AugmentConfig& config);

}  // namespace digits::train
