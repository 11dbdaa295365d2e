#include "weight_average.h"

#include <algorithm>

namespace digits::train {

void WeightAverage::update(TinyNetwork& network) {
  const Model current = extract_parameters(network);
  if (tensors_.empty()) {
    tensors_ = current.tensors;
    updates_ = 1;
    return;
  }
  const float n = static_cast<float>(updates_++);
  const float decay = std::min(decay_, (1 + n) / (10 + n));
  for (std::size_t t = 0; t < tensors_.size(); ++t) {
    std::vector<float>& average = tensors_[t];
    const std::vector<float>& value = current.tensors[t];
    for (std::size_t i = 0; i < average.size(); ++i) average[i] = decay * average[i] + (1 - decay) * value[i];
  }
}

Model WeightAverage::model() const {
  Model m;
  m.tensors = tensors_;
  return m;
}

}  // namespace digits::train
