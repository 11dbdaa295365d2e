// The one recognition pipeline, shared by the CLI and the page:
//   canvas -> segment into digits -> preprocess each -> network -> reading.
// A Recognizer owns the network, the calibration and the digit score of one
// model; recognize() reads a drawing of any aspect ratio as a number.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "digits/digit_score.h"
#include "digits/inference.h"
#include "digits/model.h"
#include "digits/preprocess.h"
#include "digits/segment.h"

namespace digits {

struct DigitReading {
  Box box;                                // the digit's ink on the canvas
  Placement placement;                    // where `box` landed in `input` (maps saliency onto the canvas)
  std::array<float, kImageSize> input{};  // the 28x28 image the network saw
  Probabilities probabilities{};          // calibrated (softmax of logits / temperature)
  int label = -1, runner_up = -1;
  float confidence = 0;  // probabilities[label]
  bool has_digit_score = false;
  float digit_score = 1.0f;  // 0..1; 1 when the model has no digit score
  bool is_digit = true;      // false: "that is not a digit"
  // What segmentation asks of a candidate part (digits/segment.h).
  PartReading as_part() const { return {label, confidence, digit_score, has_digit_score, is_digit}; }
};

struct Reading {
  bool empty = true;                 // nothing (or too little) drawn
  bool inverted = false;             // dark ink on a light background was detected
  std::vector<DigitReading> digits;  // left to right
  std::string number;                // the labels, left to right ("" when empty)
  bool all_digits() const;           // every part looks like a digit
};

class Recognizer {
 public:
  explicit Recognizer(const Model& model);

  // Classifies one 28x28 input (already preprocessed).
  DigitReading classify(const std::array<float, kImageSize>& input);
  // Reads a canvas (`width` x `height`, values in [0,1], either polarity).
  Reading recognize(const float* pixels, int width, int height);

  // Whether the network's layer outputs are still those of `input`: the last
  // input classify() read, nothing run or changed since. A panel showing
  // them for the digit just read need not run the network again.
  bool network_holds(const std::array<float, kImageSize>& input) const {
    return network_.version() == classified_version_ && input == classified_;
  }

  Network& network() { return network_; }
  const Network& network() const { return network_; }
  float temperature() const { return temperature_; }
  bool has_digit_score() const { return scorer_ != nullptr; }

 private:
  Network network_;
  float temperature_ = 1.0f;
  std::unique_ptr<DigitScorer> scorer_;
  std::array<float, kImageSize> classified_{};  // the last input classify() read
  std::uint64_t classified_version_ = 0;        // the network's version() right after
};

}  // namespace digits
