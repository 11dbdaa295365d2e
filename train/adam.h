// Adam with per-tensor step counts and state the checkpoint can save.
// tiny-dnn's own adam advances its bias correction once per tensor rather than
// once per batch and resets nothing we could persist; fit() also calls reset()
// every time it starts, which here must keep the moments (one fit per epoch).
#pragma once

#include <cmath>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "tiny_dnn.h"

namespace digits::train {

struct AdamState {
  std::vector<float> m, v;
  std::uint64_t steps = 0;
};

class Adam : public tiny_dnn::optimizer {
 public:
  float learning_rate = 1e-3f;
  float beta1 = 0.9f, beta2 = 0.999f, epsilon = 1e-7f;

  void update(const tiny_dnn::vec_t& grad, tiny_dnn::vec_t& w, bool) override {
    AdamState& s = state_[&w];
    if (s.m.size() != w.size()) {
      s.m.assign(w.size(), 0.0f);
      s.v.assign(w.size(), 0.0f);
    }
    ++s.steps;
    const float c1 = 1.0f - std::pow(beta1, static_cast<float>(s.steps));
    const float c2 = 1.0f - std::pow(beta2, static_cast<float>(s.steps));
    const float rate = learning_rate * std::sqrt(c2) / c1;
    for (std::size_t i = 0; i < w.size(); ++i) {
      s.m[i] = beta1 * s.m[i] + (1 - beta1) * grad[i];
      s.v[i] = beta2 * s.v[i] + (1 - beta2) * grad[i] * grad[i];
      w[i] -= rate * s.m[i] / (std::sqrt(s.v[i]) + epsilon);
    }
  }
  void reset() override {}

  AdamState& state(const tiny_dnn::vec_t* w) { return state_[w]; }

 private:
  std::unordered_map<const tiny_dnn::vec_t*, AdamState> state_;
};

}  // namespace digits::train
