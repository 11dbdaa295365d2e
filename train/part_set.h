// What segmentation really hands the classifier, for training it. Numbers
// composed like the numbers set's (train/number_set.h), but from MNIST's
// training digits and another seed stream, are segmented by core's
// segment() with a model; every candidate part it reads (the 28x28 input
// the classifier saw) is labelled by which digit owns its ink:
//   a digit        at least kRightShare of the part's ink is one digit's,
//                  and the part holds at least kRightCover of that digit;
//   not a digit    no digit owns kWrongShare of its ink: two digits whole,
//                  a digit with much of its neighbour, pieces of two; with
//                  `fragments`, also a piece of one digit (less than
//                  kWrongCover of it);
// parts in between (a digit with a sliver of its neighbour), and wrong parts
// the model reads as a 1 (a stroke cut off a digit is one), are left out.
// Pieces of one digit are ambiguous (a 9's loop is a 0): taught as no digit
// they teach the model to doubt some real digits, and left out it learns to
// read half a digit surely. The shipped model's first round takes them, its
// second does not (README, "Train").
// Trained on, the right parts teach the network to read digits as cut from
// touching ink, the wrong ones (towards a uniform output, like the other
// negatives) to doubt the cuts segmentation must not choose.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "digits/architecture.h"

namespace digits::train {

struct PartSetOptions {
  std::string data_dir;  // MNIST (the training split's digits are used)
  std::string weights;   // the model segmentation reads candidates with
  std::string output;    // the part file to write
  int count = 6000;      // numbers composed
  std::uint32_t seed = 11;
  bool fragments = false;  // pieces of one digit count as not digits
};

// Writes the part file; prints how many parts of each kind it holds.
int write_part_set(const PartSetOptions& options);

// A part file loaded: images as bytes (0-255), labels 0-9 or -1 (not a digit).
struct PartPool {
  std::vector<std::uint8_t> images;  // kImageSize per part
  std::vector<std::int8_t> labels;
  std::vector<int> digits, wrong;  // indices of each kind
  int size() const { return static_cast<int>(labels.size()); }
};
PartPool load_part_set(const std::string& path);  // throws digits::Error on a bad file

// A random part, as the network's input in `out`, half the time a digit
// (its label), half the time not one (-1).
int part_input(const PartPool& pool, std::mt19937& rng, float* out);

}  // namespace digits::train
