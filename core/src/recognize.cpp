// recognize(): the pipeline every front end calls.
#include "digits/recognize.h"

#include <algorithm>

#include "digits/segment.h"

namespace digits {

bool Reading::all_digits() const {
  return std::all_of(digits.begin(), digits.end(), [](const DigitReading& d) { return d.is_digit; });
}

Recognizer::Recognizer(const Model& model) : network_(model), temperature_(model.meta.temperature) {
  if (!model.digit_score.empty()) scorer_ = std::make_unique<DigitScorer>(model.digit_score);
}

DigitReading Recognizer::classify(const std::array<float, kImageSize>& input) {
  DigitReading d;
  d.input = input;
  network_.predict(input.data());
  classified_ = input;
  classified_version_ = network_.version();
  d.probabilities = softmax(network_.logits().data(), temperature_);
  std::array<int, kClasses> order;
  for (int i = 0; i < kClasses; ++i) order[i] = i;
  std::partial_sort(order.begin(), order.begin() + 2, order.end(),
                    [&](int a, int b) { return d.probabilities[a] > d.probabilities[b]; });
  d.label = order[0];
  d.runner_up = order[1];
  d.confidence = d.probabilities[d.label];
  if (scorer_) {
    const DigitScoreSignals s = scorer_->signals(network_.features().data(), network_.logits().data(), temperature_);
    d.has_digit_score = true;
    d.digit_score = scorer_->score(s);
    d.is_digit = d.digit_score >= scorer_->threshold();
  }
  return d;
}

Reading Recognizer::recognize(const float* pixels, int width, int height) {
  Reading r;
  // Segmentation reads its candidate parts; the chosen ones keep that reading.
  // It may ask about the same image twice (a group read whole, then as one
  // of its own readings): the network runs once per distinct image.
  std::vector<DigitReading> seen;
  auto find_seen = [&](const std::array<float, kImageSize>& input) {
    return std::find_if(seen.begin(), seen.end(), [&](const DigitReading& d) { return d.input == input; });
  };
  const Segmentation parts = segment(pixels, width, height, [&](const std::array<float, kImageSize>& input) {
    const auto known = find_seen(input);
    const DigitReading& d = known != seen.end() ? *known : seen.emplace_back(classify(input));
    return d.as_part();
  });
  r.inverted = parts.inverted;
  r.digits.reserve(parts.digits.size());
  for (const Segment& part : parts.digits) {
    const auto read = find_seen(part.input.image);
    DigitReading d = read != seen.end() ? *read : classify(part.input.image);
    d.box = part.input.ink;
    d.placement = part.input.placement;
    r.digits.push_back(d);
    r.number += static_cast<char>('0' + d.label);
  }
  r.empty = r.digits.empty();
  return r;
}

}  // namespace digits
