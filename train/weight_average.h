// An exponential moving average of the network's weights and batch-norm
// statistics, updated after every batch (Polyak averaging). The average of
// the late training trajectory generalises better than its last point:
// Adam's steps keep the weights jittering around a minimum, and the average
// sits nearer its centre. Batch-norm statistics are averaged with the
// weights, as Keras' and timm's model EMAs do.
#pragma once

#include <cstdint>
#include <vector>

#include "digits/model.h"
#include "tiny_network.h"

namespace digits::train {

class WeightAverage {
 public:
  // decay: weight of the old average per update (e.g. 0.9995: about the last
  // 2,000 batches count). Early on the decay is lowered to (1 + n) / (10 + n)
  // so the first batches' random weights fade quickly.
  explicit WeightAverage(float decay) : decay_(decay) {}

  void update(TinyNetwork& network);
  bool empty() const { return tensors_.empty(); }
  // The averaged weights as a model (metadata empty, like extract_parameters).
  Model model() const;

  // Checkpoint state.
  std::vector<std::vector<float>>& tensors() { return tensors_; }
  std::uint64_t& updates() { return updates_; }

 private:
  float decay_;
  std::uint64_t updates_ = 0;
  std::vector<std::vector<float>> tensors_;  // in Model::tensors order
};

}  // namespace digits::train
