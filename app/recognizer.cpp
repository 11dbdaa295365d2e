// A thin wrapper over digits::Recognizer: safe loading, timing, the kept reading.
#include "recognizer.h"

#include <chrono>
#include <exception>

namespace app {

bool Recognizer::load(const void* data, std::size_t size, const std::string& name) {
  try {
    digits::Model model = digits::parse_model(data, size, name);
    auto pipeline = std::make_unique<digits::Recognizer>(model);
    // Only now, with nothing left to throw, does the new model replace the old one.
    pipeline_ = std::move(pipeline);
    model_ = std::move(model);
    model_name_ = name;
    error_.clear();
    reading_ = digits::Reading{};
    focused_ = -1;
    return true;
  } catch (const std::exception& e) {
    error_ = e.what();
    return false;
  }
}

const digits::Reading& Recognizer::recognize(const std::vector<float>& pixels, int width, int height) {
  const auto start = std::chrono::steady_clock::now();
  reading_ = pipeline_ ? pipeline_->recognize(pixels.data(), width, height) : digits::Reading{};
  finished_ = std::chrono::steady_clock::now();
  milliseconds_ = std::chrono::duration<double, std::milli>(finished_ - start).count();
  focused_ = -1;  // which digit the network last saw is the pipeline's business
  return reading_;
}

double Recognizer::milliseconds_since() const {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - finished_).count();
}

void Recognizer::focus(int index) {
  if (index == focused_) return;
  focused_ = index;
  refocus();
}

void Recognizer::refocus() {
  if (!pipeline_ || focused_ < 0 || focused_ >= static_cast<int>(reading_.digits.size())) return;
  const auto& input = reading_.digits[static_cast<std::size_t>(focused_)].input;
  // The digit recognize() classified last (a lone digit always) is still there.
  if (!pipeline_->network_holds(input)) pipeline_->network().predict(input.data());
}

}  // namespace app
