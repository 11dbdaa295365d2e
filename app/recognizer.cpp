// Canvas -> preprocess -> network -> prediction, timed.
#include "recognizer.h"

#include <algorithm>
#include <exception>

namespace app {

bool Recognizer::load(const void* data, std::size_t size, const std::string& name) {
  try {
    const digits::Model model = digits::parse_model(data, size, name);
    network_ = std::make_unique<digits::Network>(model);
    model_meta_ = model.meta;
    model_name_ = name;
    error_.clear();
    return true;
  } catch (const std::exception& e) {
    error_ = e.what();
    return false;
  }
}

Prediction Recognizer::predict(const std::vector<float>& canvas, int side) {
  const auto start = std::chrono::steady_clock::now();
  Prediction p;
  p.input = digits::preprocess(canvas.data(), side, side);
  p.empty = p.input.empty || !network_;
  if (!p.empty) {
    p.probabilities = network_->predict(p.input.image.data());
    std::vector<int> order(digits::kClasses);
    for (int i = 0; i < digits::kClasses; ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](int a, int b) { return p.probabilities[a] > p.probabilities[b]; });
    p.label = order[0];
    p.runner_up = order[1];
    p.confidence = p.probabilities[p.label];
  }
  p.milliseconds = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return p;
}

}  // namespace app
