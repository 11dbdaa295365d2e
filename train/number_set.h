// The numbers evaluation set: numbers of 2 to 6 digits written on a canvas,
// the way `digits predict` and the page must read them. Each digit is one of
// the drawn-digit set's (an MNIST test digit re-drawn canvas-style, or a
// digit rendered from brush strokes), all digits of a number at about one
// height, with one slant and an uneven baseline. Three groups, in turn:
//   apart     every pair of neighbours has a clear gap (0.15-0.45 x height)
//   near      neighbours nearly touch (2 px to 5% of the height between inks)
//   touching  neighbours touch or overlap (their inks are connected)
// Written as PNG files "<index>_<group>_<number>.png" (e.g.
// 00012_touching_4071.png), white ink on black, each canvas as wide as its number.
// With `truth`, each image also gets "<name>.truth": a binary PGM of the same
// size whose pixels say which digit (1 = leftmost, 0 = none) put the most ink
// there, to tell segmentation errors from misreads. The images stay the same.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "digits/idx.h"

namespace digits::train {

struct NumberSetOptions {
  std::string data_dir;  // MNIST files (the t10k part is used)
  std::string out_dir;
  int count = 1500;
  std::uint32_t seed = 2026;
  bool truth = false;
};

int write_number_set(const NumberSetOptions& options);

// One number of `group` (0 apart, 1 near, 2 touching) composed the way the
// set's are, its MNIST digits drawn from `source`'s images at `indices` (any
// of them when empty): its canvas (0 background, 1 ink) and, per pixel,
// which digit put the most ink there (1 = leftmost, 0 = none).
struct ComposedNumber {
  int width = 0, height = 0;
  std::vector<float> pixels;
  std::vector<std::uint8_t> owner;
  std::string number;
};
ComposedNumber compose_number(int group, const Dataset& source, const std::vector<int>& indices, std::mt19937& rng);

}  // namespace digits::train
