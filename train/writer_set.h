// Synthetic "writers": people whose handwriting the shipped model gets wrong
// (a crossed 7 and a flagged 1, a slashed zero, a strong left slant, ...).
// Each writer has one consistent way of forming every digit; each sample
// varies it a little (size, position, angle, wobble, pen width), drawn with
// core's round brush on a 280x280 canvas like the page's. A set is split into
// examples to teach from and held-out digits to score, the way
// `digits finetune` and the browser test use it:
//   <dir>/teach/<index>_<label>.png   (`teach` per class)
//   <dir>/test/<index>_<label>.png    (`test` per class)
//   <dir>/strokes.json                (every sample's strokes, for the page test to draw)
#pragma once

#include <cstdint>
#include <string>

namespace digits::train {

struct WriterSetOptions {
  std::string out_dir;
  int writer = 0;
  int teach_per_class = 3;
  int test_per_class = 20;
  std::uint32_t seed = 7;
};

int writer_count();
std::string writer_description(int writer);
int write_writer_set(const WriterSetOptions& options);

}  // namespace digits::train
