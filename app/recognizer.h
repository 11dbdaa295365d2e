// The app's model: a loaded weights file behind core's recognition pipeline
// (digits::Recognizer), the last reading of the canvas and how long it took.
// Loading another file keeps the current model when the new file is bad.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "digits/model.h"
#include "digits/recognize.h"

namespace app {

class Recognizer {
 public:
  // Loads a weights file from memory. On failure returns false, keeps the
  // previous model and leaves the reason in error().
  bool load(const void* data, std::size_t size, const std::string& name);

  bool ready() const { return pipeline_ != nullptr; }
  const digits::Model& model() const { return model_; }
  const digits::ModelMetadata& metadata() const { return model_.meta; }
  const std::string& model_name() const { return model_name_; }
  const std::string& error() const { return error_; }
  void clear_error() { error_.clear(); }
  // A failure before load() could run (the file could not be read).
  void set_error(const std::string& message) { error_ = message; }

  // Reads a canvas (`width` x `height`, values in [0,1]) as a number and
  // keeps the reading; an empty reading when no model is loaded.
  const digits::Reading& recognize(const std::vector<float>& pixels, int width, int height);
  const digits::Reading& reading() const { return reading_; }
  // Wall time of the last recognize(): segmentation, preprocessing, inference.
  double milliseconds() const { return milliseconds_; }
  // Time since the last recognize() finished.
  double milliseconds_since() const;

  // Leaves the network's layer outputs (network().layers()) as they are for
  // digit `index` of the reading, for panels that show them (runs the network
  // unless it still holds that digit: after a reading, usually the last one
  // read). A panel that runs the network itself calls refocus() afterwards.
  void focus(int index);
  void refocus();

  // Core's pipeline and its network; only while ready().
  digits::Recognizer& pipeline() { return *pipeline_; }
  digits::Network& network() { return pipeline_->network(); }
  const digits::Network& network() const { return pipeline_->network(); }

 private:
  std::unique_ptr<digits::Recognizer> pipeline_;
  digits::Model model_;
  std::string model_name_, error_;
  digits::Reading reading_;
  double milliseconds_ = 0;
  std::chrono::steady_clock::time_point finished_;
  int focused_ = -1;  // the digit whose activations the network holds
};

}  // namespace app
