// State transitions shared by the UI and the input handling.
#include "app_state.h"

#include "bridge.h"
#include "digits/error.h"
#include "digits/model.h"
#include "embedded.h"

namespace app {

const digits::DigitReading* selected_digit(const AppState& s) {
  const std::vector<digits::DigitReading>& d = s.recognizer.reading().digits;
  if (s.selected < 0 || s.selected >= static_cast<int>(d.size())) return nullptr;
  return &d[static_cast<std::size_t>(s.selected)];
}

void select_digit(AppState& s, int index) {
  if (index >= 0 && index < static_cast<int>(s.recognizer.reading().digits.size())) s.selected = index;
}

namespace {

void report_load_error(AppState& s) {
  s.notice.clear();
  bridge::publish_error(s.recognizer.error() +
                        (s.recognizer.ready() ? " (still using " + s.recognizer.model_name() + ")" : ""));
}

}  // namespace

void load_weights(AppState& s, const void* data, std::size_t size, const std::string& name) {
  if (s.recognizer.load(data, size, name)) {
    s.notice = "Loaded " + name;
    ++s.model_generation;
    bridge::publish_error("");
  } else {
    report_load_error(s);
  }
}

void load_weights_file(AppState& s, const std::string& path) {
  std::string bytes;
  try {
    bytes = digits::read_file(path, digits::kMaxWeightFileBytes);
  } catch (const digits::Error& e) {
    s.recognizer.set_error(e.what());
    report_load_error(s);
    return;
  }
  load_weights(s, bytes.data(), bytes.size(), path);
}

namespace {

// While a stroke goes on, a slow reading (a long number: segmentation tries
// cuts) is repeated only after a pause of kPause times its own duration, so
// drawing stays fluid; the stroke's end is read at once.
constexpr double kSlowMs = 8, kPause = 4;

bool reading_due(const AppState& s) {
  if (s.predicted_model != s.model_generation || !s.canvas.drawing()) return true;
  const double ms = s.recognizer.milliseconds();
  return ms < kSlowMs || s.recognizer.milliseconds_since() >= kPause * ms;
}

}  // namespace

void update_prediction(AppState& s) {
  if ((s.predicted_version != s.canvas.version() || s.predicted_model != s.model_generation) && reading_due(s)) {
    s.predicted_version = s.canvas.version();
    s.predicted_model = s.model_generation;
    const std::size_t before = s.recognizer.reading().digits.size();
    s.recognizer.recognize(s.canvas.pixels(), s.canvas.width(), s.canvas.height());
    ++s.reading_generation;
    // A new part of a number (or one fewer) moves which digit is where: back to the first.
    if (s.recognizer.reading().digits.size() != before || selected_digit(s) == nullptr) s.selected = 0;
  }
  if (s.published_generation == s.reading_generation && s.published_selected == s.selected) return;
  s.published_generation = s.reading_generation;
  s.published_selected = s.selected;
  s.recognizer.focus(s.selected);
  const digits::DigitReading* d = selected_digit(s);
  static const std::array<float, digits::kImageSize> kBlank{};
  s.input_texture.upload(d ? d->input.data() : kBlank.data(), digits::kImageSide, false);
  bridge::publish_reading(s.recognizer.reading(), s.selected, s.recognizer.milliseconds());
}

void load_random_sample(AppState& s) {
  const int count = static_cast<int>(embedded_sample_labels_size);
  if (count == 0) return;
  s.sample_index = std::uniform_int_distribution<int>(0, count - 1)(s.rng);
  s.canvas.load_digit(embedded_sample_images + static_cast<std::size_t>(s.sample_index) * 784);
  s.sample_version = s.canvas.version();
}

void window_to_canvas(const AppState& s, float wx, float wy, float& cx, float& cy) {
  const Rect& r = s.canvas_rect;
  cx = (wx - r.x) * static_cast<float>(s.canvas.width()) / r.width;
  cy = (wy - r.y) * static_cast<float>(s.canvas.height()) / r.height;
}

}  // namespace app
