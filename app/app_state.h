// Everything the app's frame loop reads and writes, in one place; data flows
// canvas -> recognizer -> prediction -> panels.
#pragma once

#include <cstdint>
#include <random>
#include <string>

#include "canvas.h"
#include "recognizer.h"
#include "texture.h"

namespace app {

struct Rect {
  float x = 0, y = 0, width = 0, height = 0;
  bool contains(float px, float py) const { return px >= x && py >= y && px < x + width && py < y + height; }
};

struct AppState {
  Canvas canvas;
  Recognizer recognizer;
  Prediction prediction;
  std::uint64_t predicted_version = ~std::uint64_t{0};
  std::uint64_t predicted_model = 0, model_generation = 1;

  float brush_radius = 11.0f;  // canvas pixels (the canvas is 280 wide)
  bool eraser = false;
  Rect canvas_rect;       // where the canvas was drawn last frame, window coordinates
  int scroll_panel = -1;  // the panel a drag on its background is scrolling (see ui.cpp)

  int sample_index = -1;  // the MNIST test digit loaded into the canvas, if any
  std::mt19937 rng{std::random_device{}()};

  std::string notice;  // last non-error message (e.g. which model was loaded)
  Texture canvas_texture, input_texture;
  std::uint64_t uploaded_version = ~std::uint64_t{0};
};

// Loads a weights file into the recognizer, reporting success or the error.
void load_weights(AppState& s, const void* data, std::size_t size, const std::string& name);
// Re-runs the recognizer if the canvas or the model changed since last time.
void update_prediction(AppState& s);
// Puts a random embedded MNIST test digit on the canvas.
void load_random_sample(AppState& s);
// Maps a window position into canvas pixels.
void window_to_canvas(const AppState& s, float wx, float wy, float& cx, float& cy);

}  // namespace app
