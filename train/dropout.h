// Dropout that trains correctly. tiny-dnn 1.0.0a3's dropout_layer keeps a unit
// with probability `rate` instead of 1 - rate, and its backward pass only
// covers the first batch-size entries; this one draws a mask per sample with
// keep probability 1 - rate, scales kept units by 1/(1 - rate) (inverted
// dropout, so inference is the identity) and back-propagates through every
// unit. It derives from dropout_layer so it keeps the layer type "dropout".
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "tiny_dnn.h"

namespace digits::train {

class Dropout : public tiny_dnn::dropout_layer {
 public:
  Dropout(tiny_dnn::serial_size_t in_dim, tiny_dnn::float_t rate)
      : tiny_dnn::dropout_layer(in_dim, rate), in_dim_(in_dim) {}

  void reseed(std::uint64_t seed) { rng_.seed(seed); }

  void set_context(tiny_dnn::net_phase phase) override {
    phase_ = phase;
    tiny_dnn::dropout_layer::set_context(phase);
  }

  void forward_propagation(const std::vector<tiny_dnn::tensor_t*>& in_data,
                           std::vector<tiny_dnn::tensor_t*>& out_data) override {
    const tiny_dnn::tensor_t& in = *in_data[0];
    tiny_dnn::tensor_t& out = *out_data[0];
    if (phase_ != tiny_dnn::net_phase::train) {
      for (std::size_t s = 0; s < in.size(); ++s) out[s] = in[s];
      return;
    }
    const float keep = 1.0f - static_cast<float>(dropout_rate());
    const auto threshold = static_cast<std::uint64_t>(keep * 4294967296.0);
    const float scale = 1.0f / keep;
    mask_.resize(in.size());
    for (std::size_t s = 0; s < in.size(); ++s) {
      mask_[s].resize(in_dim_);
      for (std::size_t i = 0; i < in_dim_; ++i) {
        mask_[s][i] = (rng_() < threshold) ? scale : 0.0f;
        out[s][i] = in[s][i] * mask_[s][i];
      }
    }
  }

  void back_propagation(const std::vector<tiny_dnn::tensor_t*>&, const std::vector<tiny_dnn::tensor_t*>&,
                        std::vector<tiny_dnn::tensor_t*>& out_grad,
                        std::vector<tiny_dnn::tensor_t*>& in_grad) override {
    tiny_dnn::tensor_t& prev = *in_grad[0];
    const tiny_dnn::tensor_t& curr = *out_grad[0];
    for (std::size_t s = 0; s < prev.size(); ++s) {
      for (std::size_t i = 0; i < in_dim_; ++i) prev[s][i] = mask_[s][i] * curr[s][i];
    }
  }

 private:
  std::size_t in_dim_;
  tiny_dnn::net_phase phase_ = tiny_dnn::net_phase::train;
  std::mt19937 rng_{0};
  std::vector<std::vector<float>> mask_;
};

}  // namespace digits::train
