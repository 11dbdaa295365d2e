// Dropout that trains correctly. tiny-dnn 1.0.0a3's dropout_layer keeps a unit
// with probability `rate` instead of 1 - rate, and its backward pass only
// covers the first batch-size entries; this one draws a mask per sample with
// keep probability 1 - rate, scales kept units by 1/(1 - rate) (inverted
// dropout, so inference is the identity) and back-propagates through every
// unit. It derives from dropout_layer so it keeps the layer type "dropout".
//
// Masks come from a counter-based generator keyed by (seed, call, sample,
// unit), so they do not depend on how samples are split across threads, and
// reseeding at an epoch start reproduces that epoch exactly.
#pragma once

#include <cstdint>
#include <vector>

#include "tiny_dnn.h"

namespace digits::train {

class Dropout : public tiny_dnn::dropout_layer {
 public:
  Dropout(tiny_dnn::serial_size_t in_dim, tiny_dnn::float_t rate)
      : tiny_dnn::dropout_layer(in_dim, rate), in_dim_(in_dim) {}

  void reseed(std::uint64_t seed) {
    seed_ = seed;
    calls_ = 0;
  }

  void set_context(tiny_dnn::net_phase phase) override {
    phase_ = phase;
    tiny_dnn::dropout_layer::set_context(phase);
  }

  void forward_propagation(const std::vector<tiny_dnn::tensor_t*>& in_data,
                           std::vector<tiny_dnn::tensor_t*>& out_data) override;
  void back_propagation(const std::vector<tiny_dnn::tensor_t*>&, const std::vector<tiny_dnn::tensor_t*>&,
                        std::vector<tiny_dnn::tensor_t*>& out_grad, std::vector<tiny_dnn::tensor_t*>& in_grad) override;

 private:
  std::size_t in_dim_;
  tiny_dnn::net_phase phase_ = tiny_dnn::net_phase::train;
  std::uint64_t seed_ = 0, calls_ = 0;
  std::vector<std::vector<float>> mask_;
};

}  // namespace digits::train
