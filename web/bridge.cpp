// Emscripten side of app/bridge.h: keeps the page's #prediction element,
// error banner and named rectangles in step with the app.
#include "bridge.h"

#include <emscripten.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include "digits/recognize.h"

// clang-format off
// Every attribute is a string computed by C++; empty ones mean "nothing drawn".
EM_JS(void, js_publish_reading, (const char* text, const char* attributes, double ms), {
  const el = document.getElementById('prediction');
  if (!el) return;
  el.textContent = UTF8ToString(text);
  const values = JSON.parse(UTF8ToString(attributes));
  for (const name in values) el.setAttribute(name, values[name]);
  el.setAttribute('data-ms', ms.toFixed(3));
  el.dataset['count'] = String(Number(el.dataset['count'] || 0) + 1);
});

// A rectangle of the app (the drawing area, a button) in CSS pixels of the
// page as #prediction's data-<name>-rect: the canvas element's position plus
// the rectangle's offset inside it (ImGui works in CSS pixels here).
EM_JS(void, js_publish_rect, (const char* name, float x, float y, float w, float h), {
  const el = document.getElementById('prediction');
  const canvas = document.getElementById('canvas');
  if (!el || !canvas) return;
  const r = canvas.getBoundingClientRect();
  const round = (v) => Math.round(v * 10) / 10;
  const value = [round(r.left + window.scrollX + x), round(r.top + window.scrollY + y), round(w), round(h)].join(' ');
  const attribute = 'data-' + UTF8ToString(name) + '-rect';
  if (el.getAttribute(attribute) !== value) el.setAttribute(attribute, value);
});

EM_JS(void, js_publish_first_frame, (), {
  requestAnimationFrame(() => {
    const el = document.getElementById('prediction');
    if (el) el.setAttribute('data-first-frame', performance.now().toFixed(1));
  });
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

namespace {

std::string format(const char* pattern, double value) {
  char text[32];
  std::snprintf(text, sizeof text, pattern, value);
  return text;
}

// A JSON string literal of ASCII text (the only kind built here).
std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// What #prediction says: the number, or the one digit, and the parts that
// are not digits.
std::string describe(const digits::Reading& r) {
  if (r.empty) return "Nothing drawn yet";
  if (r.digits.size() == 1) {
    const digits::DigitReading& d = r.digits[0];
    if (!d.is_digit) {
      return "That doesn't look like a digit (best guess " + std::to_string(d.label) + ", " +
             format("%.1f%%", 100.0 * d.confidence) + ")";
    }
    return "Prediction: " + std::to_string(d.label) + " (" + format("%.1f%%", 100.0 * d.confidence) + " confident)";
  }
  std::string text = "Number: " + r.number + " (";
  for (std::size_t i = 0; i < r.digits.size(); ++i) {
    const digits::DigitReading& d = r.digits[i];
    if (i > 0) text += ", ";
    text += d.is_digit ? std::to_string(d.label) + " " + format("%.0f%%", 100.0 * d.confidence)
                       : "part " + std::to_string(i + 1) + " doesn't look like a digit";
  }
  return text + ")";
}

}  // namespace

void publish_reading(const digits::Reading& r, int selected, double milliseconds) {
  std::string label, confidence, selected_index, is_digit, digit_score, list = "[";
  if (!r.empty && selected >= 0 && selected < static_cast<int>(r.digits.size())) {
    const digits::DigitReading& d = r.digits[static_cast<std::size_t>(selected)];
    label = std::to_string(d.label);
    confidence = format("%.4f", d.confidence);
    selected_index = std::to_string(selected);
  }
  if (!r.empty) {
    float lowest = 1.0f;
    for (std::size_t i = 0; i < r.digits.size(); ++i) {
      const digits::DigitReading& d = r.digits[i];
      lowest = std::min(lowest, d.digit_score);
      list += std::string(i > 0 ? "," : "") + "{\"label\":" + std::to_string(d.label) +
              ",\"confidence\":" + format("%.4f", d.confidence) + ",\"box\":[" + std::to_string(d.box.x) + "," +
              std::to_string(d.box.y) + "," + std::to_string(d.box.width) + "," + std::to_string(d.box.height) +
              "],\"is_digit\":" + (d.is_digit ? "true" : "false") +
              ",\"digit_score\":" + format("%.4f", d.digit_score) + "}";
    }
    is_digit = r.all_digits() ? "true" : "false";
    digit_score = format("%.4f", lowest);
  }
  list += "]";
  const std::string attributes = "{\"data-label\":" + quoted(label) + ",\"data-confidence\":" + quoted(confidence) +
                                 ",\"data-selected\":" + quoted(selected_index) +
                                 ",\"data-number\":" + quoted(r.empty ? "" : r.number) +
                                 ",\"data-digits\":" + quoted(list) + ",\"data-is-digit\":" + quoted(is_digit) +
                                 ",\"data-digit-score\":" + quoted(digit_score) + "}";
  js_publish_reading(describe(r).c_str(), attributes.c_str(), milliseconds);
}

void publish_canvas_rect(float x, float y, float width, float height) { publish_rect("canvas", x, y, width, height); }

void publish_rect(const char* name, float x, float y, float width, float height) {
  js_publish_rect(name, x, y, width, height);
}

void publish_first_frame() { js_publish_first_frame(); }

void publish_error(const std::string& message) { js_publish_error(message.c_str()); }

bool open_file_picker() {
  js_open_file_picker();
  return true;
}

}  // namespace app::bridge
