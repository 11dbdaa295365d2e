// Everything the app's frame loop reads and writes, in one place; data flows
// canvas -> recognizer -> reading -> panels.
#pragma once

#include <cstdint>
#include <random>
#include <string>

#include "canvas.h"
#include "panel_inside.h"
#include "panel_learn.h"
#include "recognizer.h"
#include "texture.h"

namespace app {

struct Rect {
  float x = 0, y = 0, width = 0, height = 0;
  bool contains(float px, float py) const { return px >= x && py >= y && px < x + width && py < y + height; }
};

struct AppState {
  Canvas canvas;
  Recognizer recognizer;  // holds the last reading: recognizer.reading()
  // The digit of the reading the panels show (histogram, model input, the
  // network's activations): 0, the first, unless the user picked another.
  int selected = 0;
  std::uint64_t predicted_version = ~std::uint64_t{0};
  std::uint64_t predicted_model = 0, model_generation = 1;
  std::uint64_t reading_generation = 0;  // bumped at every new reading

  float brush_radius = 11.0f;  // canvas pixels (the canvas is 280 tall)
  bool eraser = false;
  Rect canvas_rect;       // where the canvas was drawn last frame, window coordinates
  int hovered_box = -1;   // the digit box under the pointer last frame (entering one selects it)
  int scroll_panel = -1;  // the panel a drag on its background is scrolling (see ui.cpp)

  int sample_index = -1;  // the MNIST training digit last loaded into the canvas, if any
  // The canvas version right after that load: once the canvas changes (a
  // stroke, Clear, Undo) it no longer shows that training image.
  std::uint64_t sample_version = 0;
  std::mt19937 rng{std::random_device{}()};

  std::string notice;  // last non-error message (e.g. which model was loaded)
  Texture canvas_texture, input_texture;
  InsidePanel inside;  // "Inside the network" and the saliency overlay (panel_inside.h)
  LearnPanel learn;    // "Learn my handwriting" (panel_learn.h)
  std::uint64_t uploaded_version = ~std::uint64_t{0};
  std::uint64_t published_generation = ~std::uint64_t{0};  // the reading and selection last shown and published
  int published_selected = -1;
};

// The selected digit of the last reading; nullptr when nothing is read.
const digits::DigitReading* selected_digit(const AppState& s);
// Selects digit `index` of the reading (ignored when out of range).
void select_digit(AppState& s, int index);

// Loads a weights file into the recognizer, reporting success or the error.
void load_weights(AppState& s, const void* data, std::size_t size, const std::string& name);
// The same from a file (desktop: --weights, dropped files): one that cannot be
// read says so, and one larger than any model is refused before it is read.
void load_weights_file(AppState& s, const std::string& path);
// Re-reads the canvas if it or the model changed since last time, and
// publishes the reading (and the selected digit) when either changed.
void update_prediction(AppState& s);
// Puts a random embedded MNIST training digit on the canvas.
void load_random_sample(AppState& s);
// Maps a window position into canvas pixels.
void window_to_canvas(const AppState& s, float wx, float wy, float& cx, float& cy);

}  // namespace app
