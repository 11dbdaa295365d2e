#include "dropout.h"

#include "thread_pool.h"

namespace digits::train {
namespace {

// SplitMix64's finaliser: a well-mixed 64-bit value from a counter.
std::uint64_t mix(std::uint64_t z) {
  z += 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

}  // namespace

void Dropout::forward_propagation(const std::vector<tiny_dnn::tensor_t*>& in_data,
                                  std::vector<tiny_dnn::tensor_t*>& out_data) {
  const tiny_dnn::tensor_t& in = *in_data[0];
  tiny_dnn::tensor_t& out = *out_data[0];
  if (phase_ != tiny_dnn::net_phase::train) {
    for (std::size_t s = 0; s < in.size(); ++s) out[s] = in[s];
    return;
  }
  const float keep = 1.0f - static_cast<float>(dropout_rate());
  const auto threshold = static_cast<std::uint64_t>(static_cast<double>(keep) * 4294967296.0);
  const float scale = 1.0f / keep;
  const std::uint64_t call = mix(seed_ ^ mix(calls_++));
  mask_.resize(in.size());
  parallel_ranges(static_cast<int>(in.size()), [&](int begin, int end, int) {
    for (int s = begin; s < end; ++s) {
      mask_[s].resize(in_dim_);
      const std::uint64_t key = mix(call + static_cast<std::uint64_t>(s));
      for (std::size_t i = 0; i < in_dim_; i += 2) {
        // One 64-bit draw gives two units' 32-bit uniforms.
        const std::uint64_t r = mix(key + i);
        mask_[s][i] = (r & 0xffffffffu) < threshold ? scale : 0.0f;
        if (i + 1 < in_dim_) mask_[s][i + 1] = (r >> 32) < threshold ? scale : 0.0f;
      }
      for (std::size_t i = 0; i < in_dim_; ++i) out[s][i] = in[s][i] * mask_[s][i];
    }
  });
}

void Dropout::back_propagation(const std::vector<tiny_dnn::tensor_t*>&, const std::vector<tiny_dnn::tensor_t*>&,
                               std::vector<tiny_dnn::tensor_t*>& out_grad, std::vector<tiny_dnn::tensor_t*>& in_grad) {
  tiny_dnn::tensor_t& prev = *in_grad[0];
  const tiny_dnn::tensor_t& curr = *out_grad[0];
  for (std::size_t s = 0; s < prev.size(); ++s) {
    for (std::size_t i = 0; i < in_dim_; ++i) prev[s][i] = mask_[s][i] * curr[s][i];
  }
}

}  // namespace digits::train
