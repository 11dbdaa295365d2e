// Accuracy and loss of a network over (part of) a dataset.
#include "digits/evaluate.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace digits {

EvaluationResult evaluate(Network& network, const Dataset& data, const std::vector<int>& indices) {
  EvaluationResult result;
  std::array<float, kImageSize> image;
  const int n = indices.empty() ? data.images.count : static_cast<int>(indices.size());
  double loss = 0;
  for (int k = 0; k < n; ++k) {
    const int i = indices.empty() ? k : indices[k];
    to_unit_floats(data.images.image(i), image.data(), kImageSize);
    const Probabilities p = network.predict(image.data());
    const int truth = data.labels[i];
    result.metrics.add(truth, argmax(p));
    loss -= std::log(std::max(p[truth], 1e-12f));
  }
  result.mean_loss = n > 0 ? loss / n : 0.0;
  return result;
}

}  // namespace digits
