// "Is this a digit at all?": a score in [0,1] from the network the page
// already runs. Two signals, combined by a logistic model fitted by
// `digits calibrate` on held-out digits and non-digits:
//   - the energy of the logits, -T log sum exp(logit / T): low for inputs the
//     classifier is sure about, high when no class stands out;
//   - the Mahalanobis distance of the penultimate features to the nearest
//     class mean (class-conditional Gaussians with a shared covariance): far
//     from every class means unlike anything seen in training.
// A method may use either or both (a zero weight switches a signal off).
#pragma once

#include <vector>

#include "digits/model.h"

namespace digits {

struct DigitScoreSignals {
  float energy = 0;
  float distance = 0;  // squared Mahalanobis distance to the nearest class mean
};

class DigitScorer {
 public:
  // `params` must be non-empty and valid (validate_model checks both).
  explicit DigitScorer(const DigitScoreParams& params);

  DigitScoreSignals signals(const float* features, const float* logits, float temperature);
  float score(const DigitScoreSignals& s) const;  // in [0,1]
  float threshold() const { return threshold_; }

 private:
  int features_ = 0;
  std::vector<float> whitening_;  // transposed: [k][r]
  std::vector<float> whitened_means_, scratch_;
  std::array<float, 3> weights_{};
  float threshold_ = 0.5f;
};

float logit_energy(const float* logits, int n, float temperature);

}  // namespace digits
