// Emscripten side of app/bridge.h: keeps the page's #prediction element,
// error banner and canvas size in step with the app.
#include "bridge.h"

#include <emscripten.h>
#include <emscripten/html5.h>

#include <cstdio>

#include "recognizer.h"

// clang-format off
EM_JS(void, js_publish_prediction, (const char* text, int label, const char* confidence, double ms), {
  const el = document.getElementById('prediction');
  if (!el) return;
  el.textContent = UTF8ToString(text);
  el.setAttribute('data-label', label < 0 ? '' : String(label));
  el.setAttribute('data-confidence', UTF8ToString(confidence));
  el.setAttribute('data-ms', ms.toFixed(3));
  el.dataset.count = String(Number(el.dataset.count || 0) + 1);
});

// The drawing area in CSS pixels of the page: the canvas element's position
// plus the area's offset inside it (ImGui works in CSS pixels here).
EM_JS(void, js_publish_canvas_rect, (float x, float y, float w, float h), {
  const el = document.getElementById('prediction');
  const canvas = document.getElementById('canvas');
  if (!el || !canvas) return;
  const r = canvas.getBoundingClientRect();
  const round = (v) => Math.round(v * 10) / 10;
  const value = [round(r.left + window.scrollX + x), round(r.top + window.scrollY + y), round(w), round(h)].join(' ');
  if (el.getAttribute('data-canvas-rect') !== value) el.setAttribute('data-canvas-rect', value);
});

EM_JS(void, js_publish_error, (const char* message), {
  const el = document.getElementById('error');
  if (!el) return;
  el.textContent = UTF8ToString(message);
  el.hidden = el.textContent.length === 0;
});

EM_JS(void, js_open_file_picker, (), {
  const input = document.getElementById('weights-file');
  if (input) input.click();
});
// clang-format on

namespace app::bridge {

void publish_prediction(const Prediction& p) {
  char text[96] = "Nothing drawn yet";
  char confidence[16] = "";
  if (!p.empty) {
    std::snprintf(text, sizeof text, "Prediction: %d (%.1f%% confident)", p.label, 100.0 * p.confidence);
    std::snprintf(confidence, sizeof confidence, "%.4f", p.confidence);
  }
  js_publish_prediction(text, p.empty ? -1 : p.label, confidence, p.milliseconds);
}

void publish_canvas_rect(float x, float y, float width, float height) { js_publish_canvas_rect(x, y, width, height); }

void publish_error(const std::string& message) { js_publish_error(message.c_str()); }

bool page_size(int& width, int& height) {
  double w = 0, h = 0;
  if (emscripten_get_element_css_size("#canvas", &w, &h) != EMSCRIPTEN_RESULT_SUCCESS) return false;
  width = static_cast<int>(w);
  height = static_cast<int>(h);
  return width > 0 && height > 0;
}

bool open_file_picker() {
  js_open_file_picker();
  return true;
}

}  // namespace app::bridge
