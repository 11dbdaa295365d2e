// Emscripten side of app/bridge.h: keeps the page's #prediction element,
// error banner and canvas size in step with the app.
#include <emscripten.h>
#include <emscripten/html5.h>

#include <cstdio>

#include "bridge.h"
#include "recognizer.h"

namespace app::bridge {

void publish_prediction(const Prediction& p) {
  char text[96] = "Nothing drawn yet";
  char confidence[16] = "";
  if (!p.empty) {
    std::snprintf(text, sizeof text, "Prediction: %d (%.1f%% confident)", p.label, 100.0 * p.confidence);
    std::snprintf(confidence, sizeof confidence, "%.4f", p.confidence);
  }
  // clang-format off
  EM_ASM({
    const el = document.getElementById('prediction');
    if (!el) return;
    el.textContent = UTF8ToString($0);
    el.setAttribute('data-label', $1 < 0 ? '' : String($1));
    el.setAttribute('data-confidence', UTF8ToString($2));
  }, text, p.empty ? -1 : p.label, confidence);
  // clang-format on
}

void publish_canvas_rect(float x, float y, float width, float height) {
  // clang-format off
  EM_ASM({
    const el = document.getElementById('prediction');
    const canvas = document.getElementById('canvas');
    if (!el || !canvas) return;
    const r = canvas.getBoundingClientRect();
    const value = [r.left + window.scrollX + $0, r.top + window.scrollY + $1, $2, $3]
                    .map(v => Math.round(v * 10) / 10).join(' ');
    if (el.getAttribute('data-canvas-rect') !== value) el.setAttribute('data-canvas-rect', value);
  }, x, y, width, height);
  // clang-format on
}

void publish_error(const std::string& message) {
  // clang-format off
  EM_ASM({
    const el = document.getElementById('error');
    if (!el) return;
    el.textContent = UTF8ToString($0);
    el.hidden = el.textContent.length === 0;
  }, message.c_str());
  // clang-format on
}

bool page_size(int& width, int& height) {
  double w = 0, h = 0;
  if (emscripten_get_element_css_size("#canvas", &w, &h) != EMSCRIPTEN_RESULT_SUCCESS) return false;
  width = static_cast<int>(w);
  height = static_cast<int>(h);
  return width > 0 && height > 0;
}

bool open_file_picker() {
  // clang-format off
  EM_ASM({
    const input = document.getElementById('weights-file');
    if (input) input.click();
  });
  // clang-format on
  return true;
}

}  // namespace app::bridge
