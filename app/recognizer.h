// The app's model state: the loaded network and its metadata, the last
// prediction, and loading another weights file without losing the current
// one when the new file is bad.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "digits/inference.h"
#include "digits/model.h"
#include "digits/preprocess.h"

namespace app {

struct Prediction {
  bool empty = true;  // nothing drawn: no guess
  int label = -1, runner_up = -1;
  float confidence = 0;
  digits::Probabilities probabilities{};
  digits::Preprocessed input;
  double milliseconds = 0;  // preprocessing + inference
};

class Recognizer {
 public:
  // Loads a weights file from memory. On failure returns false, keeps the
  // previous model and leaves the reason in error().
  bool load(const void* data, std::size_t size, const std::string& name);

  bool ready() const { return network_ != nullptr; }
  const digits::ModelMetadata& metadata() const { return model_meta_; }
  const std::string& model_name() const { return model_name_; }
  const std::string& error() const { return error_; }
  void clear_error() { error_.clear(); }

  // Preprocesses a canvas (values in [0,1], white ink on black) and predicts.
  Prediction predict(const std::vector<float>& canvas, int side);

 private:
  std::unique_ptr<digits::Network> network_;
  digits::ModelMetadata model_meta_;
  std::string model_name_, error_;
};

}  // namespace app
