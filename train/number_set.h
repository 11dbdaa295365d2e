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
#include <string>

namespace digits::train {

struct NumberSetOptions {
  std::string data_dir;  // MNIST files (the t10k part is used)
  std::string out_dir;
  int count = 1500;
  std::uint32_t seed = 2026;
  bool truth = false;
};

int write_number_set(const NumberSetOptions& options);

}  // namespace digits::train
