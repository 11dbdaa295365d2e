// State transitions shared by the UI and the input handling.
#include "app_state.h"

#include "bridge.h"
#include "embedded.h"

namespace app {

void load_weights(AppState& s, const void* data, std::size_t size, const std::string& name) {
  if (s.recognizer.load(data, size, name)) {
    s.notice = "Loaded " + name;
    ++s.model_generation;
    bridge::publish_error("");
  } else {
    s.notice.clear();
    bridge::publish_error(s.recognizer.error() +
                          (s.recognizer.ready() ? " (still using " + s.recognizer.model_name() + ")" : ""));
  }
}

void update_prediction(AppState& s) {
  if (s.predicted_version == s.canvas.version() && s.predicted_model == s.model_generation) return;
  s.predicted_version = s.canvas.version();
  s.predicted_model = s.model_generation;
  s.prediction = s.recognizer.predict(s.canvas.pixels(), Canvas::kSide);
  s.input_texture.upload(s.prediction.input.image.data(), digits::kImageSide, false);
  bridge::publish_prediction(s.prediction);
}

void load_random_sample(AppState& s) {
  const int count = static_cast<int>(embedded_sample_labels_size);
  if (count == 0) return;
  s.sample_index = std::uniform_int_distribution<int>(0, count - 1)(s.rng);
  s.canvas.load_digit(embedded_sample_images + static_cast<std::size_t>(s.sample_index) * 784);
}

void window_to_canvas(const AppState& s, float wx, float wy, float& cx, float& cy) {
  const Rect& r = s.canvas_rect;
  cx = (wx - r.x) * Canvas::kSide / r.width;
  cy = (wy - r.y) * Canvas::kSide / r.height;
}

}  // namespace app
