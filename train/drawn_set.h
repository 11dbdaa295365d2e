// A drawn-digit evaluation set: digits as a canvas user makes them, which
// MNIST's test set is not. Half are MNIST test digits re-drawn (binarised,
// strokes thickened or thinned, at a random size and position on a 280x280
// canvas), half are rendered from stroke paths with the app's round brush
// under random rotation, scale, shear and wobble. Written as PNG files named
// "<index>_<source>_<label>.png" so any tool can score predictions.
#pragma once

#include <cstdint>
#include <string>

namespace digits::train {

struct DrawnSetOptions {
  std::string data_dir;  // MNIST files (the t10k part is used)
  std::string out_dir;
  int count = 2000;
  std::uint32_t seed = 2024;
};

int write_drawn_set(const DrawnSetOptions& options);

}  // namespace digits::train
