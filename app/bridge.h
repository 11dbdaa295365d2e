// What the app tells the page around it (web) or nothing (desktop): the
// shown prediction for screen readers and automation, the drawing area's
// position, errors, and the page-driven window size. web/bridge.cpp
// implements it for Emscripten, app/bridge_native.cpp for the desktop.
#pragma once

#include <string>

namespace app {
struct Prediction;
}

namespace app::bridge {

// Updates #prediction: text, data-label and data-confidence (empty label when
// nothing is drawn), data-ms (preprocessing + inference time) and data-count
// (predictions so far).
void publish_prediction(const Prediction& p);
// Drawing area in window coordinates (CSS pixels on the web).
void publish_canvas_rect(float x, float y, float width, float height);
// An error the page should show (empty string clears it).
void publish_error(const std::string& message);
// Size the window should have (the page's canvas element); false on desktop.
bool page_size(int& width, int& height);
// Opens the page's file picker for a weights file; false where there is none.
bool open_file_picker();

}  // namespace app::bridge
