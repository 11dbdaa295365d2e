// The digit score: energy and Mahalanobis distance, combined logistically.
#include "digits/digit_score.h"

#include <algorithm>
#include <cmath>
#include <cstring>
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
      whitening_(p.whitening.size()),
      whitened_means_(p.means.size()),
      scratch_(static_cast<std::size_t>(features_)),
      weights_(p.weights),
      threshold_(p.threshold) {
  // Stored transposed ([k][r]): signals() makes four rows' sums at once.
  for (int r = 0; r < features_; ++r) {
    for (int k = 0; k < features_; ++k) whitening_[k * features_ + r] = p.whitening[r * features_ + k];
  }
  // W (f - mean) = W f - W mean: the class means are whitened once here.
  for (int c = 0; c < kClasses; ++c) {
    for (int r = 0; r < features_; ++r) {
      double s = 0;
      for (int k = 0; k < features_; ++k) s += double(p.whitening[r * features_ + k]) * p.means[c * features_ + k];
      whitened_means_[c * features_ + r] = static_cast<float>(s);
    }
  }
}

DigitScoreSignals DigitScorer::signals(const float* features, const float* logits, float temperature) {
  DigitScoreSignals s;
  s.energy = logit_energy(logits, kClasses, temperature);
  // Row r of W times f, each lane of a vector one row, every sum in k order
  // (the same floats as one row at a time).
  typedef float Vec4 __attribute__((vector_size(16)));
  int r = 0;
  for (; r + 4 <= features_; r += 4) {
    Vec4 sum{};
    for (int k = 0; k < features_; ++k) {
      Vec4 column;
      std::memcpy(&column, &whitening_[k * features_ + r], sizeof column);
      sum += column * features[k];
    }
    std::memcpy(&scratch_[r], &sum, sizeof sum);
  }
  for (; r < features_; ++r) {
    float sum = 0;
    for (int k = 0; k < features_; ++k) sum += whitening_[k * features_ + r] * features[k];
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
