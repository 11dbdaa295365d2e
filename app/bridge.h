// What the app tells the page around it (web) or nothing (desktop): the
// shown prediction for screen readers and automation, the drawing area's
// position, errors, and the page-driven window size. web/bridge.cpp
// implements it for Emscripten, app/bridge_native.cpp for the desktop.
#pragma once

#include <string>

namespace digits {
struct Reading;
}

namespace app::bridge {

// Updates #prediction: its text; data-label, data-confidence and
// data-selected for the selected digit; data-number (the digits read, left to
// right); data-digits (JSON: label, confidence, box [x, y, width, height] in
// canvas pixels, is_digit and digit_score of each digit); data-is-digit
// ("false" when any part does not look like a digit) and data-digit-score
// (the lowest); data-ms (the reading's time) and data-count (readings
// published so far). When nothing is drawn data-digits is [] and the other
// values but data-ms and data-count are empty.
void publish_reading(const digits::Reading& r, int selected, double milliseconds);
// Drawing area in window coordinates (CSS pixels on the web).
void publish_canvas_rect(float x, float y, float width, float height);
// Any other rectangle of the window, as data-<name>-rect (e.g. a button's).
void publish_rect(const char* name, float x, float y, float width, float height);
// The app has drawn its first frame with a model loaded: data-first-frame on
// #prediction gets the page's clock (performance.now(), ms after navigation)
// at the next animation frame, once the browser has taken that frame in.
void publish_first_frame();
// An error the page should show (empty string clears it).
void publish_error(const std::string& message);
// Opens the page's file picker for a weights file; false where there is none.
bool open_file_picker();

}  // namespace app::bridge
