// The digit score: energy and Mahalanobis distance, combined logistically.
#include "digits/digit_score.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace digits {

float logit_energy(const float* logits, int n, float temperature) {
  const float m = *std::max_element(logits, logits + n) / temperature;
  double sum = 0;
  for (int i = 0; i < n; ++i) sum += std::exp(logits[i] / temperature - m);
  return -temperature * (m + static_cast<float>(std::log(sum)));
}

DigitScorer::DigitScorer(const DigitScoreParams& p)
    : features_(static_cast<int>(p.means.size()) / kClasses),
      whitening_(p.whitening),
      whitened_means_(p.means.size()),
      scratch_(static_cast<std::size_t>(features_)),
      weights_(p.weights),
      threshold_(p.threshold) {
  // W (f - mean) = W f - W mean: the class means are whitened once here.
  for (int c = 0; c < kClasses; ++c) {
    for (int r = 0; r < features_; ++r) {
      double s = 0;
      for (int k = 0; k < features_; ++k) s += double(whitening_[r * features_ + k]) * p.means[c * features_ + k];
      whitened_means_[c * features_ + r] = static_cast<float>(s);
    }
  }
}

DigitScoreSignals DigitScorer::signals(const float* features, const float* logits, float temperature) {
  DigitScoreSignals s;
  s.energy = logit_energy(logits, kClasses, temperature);
  for (int r = 0; r < features_; ++r) {
    const float* row = &whitening_[r * features_];
    float sum = 0;
    for (int k = 0; k < features_; ++k) sum += row[k] * features[k];
    scratch_[r] = sum;
  }
  float best = std::numeric_limits<float>::infinity();
  for (int c = 0; c < kClasses; ++c) {
    const float* mean = &whitened_means_[c * features_];
    float d = 0;
    for (int r = 0; r < features_; ++r) d += (scratch_[r] - mean[r]) * (scratch_[r] - mean[r]);
    best = std::min(best, d);
  }
  s.distance = best;
  return s;
}

float DigitScorer::score(const DigitScoreSignals& s) const {
  const float z = weights_[0] + weights_[1] * s.energy + weights_[2] * std::sqrt(s.distance);
  return 1.0f / (1.0f + std::exp(-z));
}

}  // namespace digits
