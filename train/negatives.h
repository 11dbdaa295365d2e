// "Not a digit" examples, for teaching the model to spread its belief
// (outlier exposure) and for fitting and testing the digit score: letters
// and symbols rendered from Debian's font packages (handwriting hands among
// them) and re-drawn with the round brush, random scribbles, shapes and
// crossed-out marks, and Fashion-MNIST items. Characters a person could read
// as a digit (O, o, l, I, Z, S, B, g, q, ...) are left out.
//
// Two disjoint splits: training draws from one set of fonts and one seed
// stream, the held-out test set (`digits negative-set`) from other fonts and
// another stream, so a test never sees what fitting saw.
#pragma once

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "digits/idx.h"
#include "styles.h"

namespace digits::train {

enum class NegativeSplit { Train, Test };

class NegativeSource {
 public:
  // Loads the split's fonts (throws digits::Error naming a missing font
  // package) and, when `fashion_dir` is not empty, Fashion-MNIST's
  // train (Train split) or t10k (Test split) images from it.
  NegativeSource(NegativeSplit split, const std::string& fashion_dir);
  ~NegativeSource();

  // Draws one negative onto the blank canvas; returns its kind
  // ("letter", "symbol", "scribble", "shape", "crossed-out", "fashion").
  std::string draw(std::mt19937& rng, Canvas& canvas) const;
  // The same, preprocessed to a 28x28 input; false when it came out blank.
  bool input(std::mt19937& rng, float* out) const;

  int font_count() const;

 private:
  struct Fonts;
  std::unique_ptr<Fonts> fonts_;
  Dataset fashion_;
};

// `digits negative-set`: writes `count` held-out (Test split) negatives as
// 160x160 PNGs named <index>_<kind>.png, for `digits evaluate --negatives`.
int write_negative_set(const std::string& out_dir, int count, unsigned seed, const std::string& fashion_dir);

// The characters drawn as negatives: none of them reads as a digit.
const std::string& negative_characters();

}  // namespace digits::train
