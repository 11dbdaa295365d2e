// `digits calibrate`: fits what turns the network's outputs into numbers a
// user can trust, and stores them in the weights file:
//   - a temperature (softmax(logits / T)) minimising the negative
//     log-likelihood on the validation digits, so a stated confidence
//     matches the observed accuracy (expected calibration error, 15 bins);
//   - the digit score (digits/digit_score.h): class means and a whitening of
//     the penultimate features, and a logistic model over energy and
//     Mahalanobis distance, chosen among several methods by AUROC on
//     held-out digits against held-out non-digits, with a threshold that
//     keeps the validation digits.
// It writes a Markdown report and a reliability diagram next to the output.
#pragma once

#include <string>

namespace digits::train {

struct CalibrateOptions {
  std::string weights, output;  // output defaults to weights (rewritten in place)
  std::string data_dir, fashion_dir;
  std::string drawn_dir, style_dir;  // optional PNG folders (names end in _<label>.png)
  int fit_negatives = 4000, test_negatives = 4000;
  // The share of the MNIST validation digits the digit score's threshold
  // keeps (the style digits: 99.4%).
  double keep = 0.997;
  unsigned seed = 7;
};

int run_calibrate(const CalibrateOptions& options);

}  // namespace digits::train
