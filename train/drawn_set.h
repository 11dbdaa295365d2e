// A drawn-digit evaluation set: digits as a canvas user makes them, which
// MNIST's test set is not. Half are MNIST test digits re-drawn (binarised,
// strokes thickened or thinned, at a random size and position on a 280x280
// canvas), half are rendered from stroke paths with the app's round brush
// under random rotation, scale, shear and wobble. Written as PNG files named
// "<index>_<source>_<label>.png" so any tool can score predictions.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace digits::train {

struct DrawnSetOptions {
  std::string data_dir;  // MNIST files (the t10k part is used)
  std::string out_dir;
  int count = 2000;
  std::uint32_t seed = 2024;
};

int write_drawn_set(const DrawnSetOptions& options);

// One digit the way the set draws it, onto a blank kDrawnCanvas x kDrawnCanvas
// canvas (0 = background, 1 = ink): the stroke paths of `label`, or an MNIST
// digit (28x28 bytes) re-drawn. Other sets (numbers) compose these.
constexpr int kDrawnCanvas = 280;
void draw_stroke_digit(int label, std::mt19937& rng, std::vector<float>& canvas);
void draw_mnist_digit(const std::uint8_t* digit, std::mt19937& rng, std::vector<float>& canvas);

}  // namespace digits::train
