// World handwriting styles for training: digit forms MNIST barely contains
// (slashed and dotted zeros, continental ones with a long flag and a base,
// crossed sevens, open fours, looped twos, flat-topped threes, straight and
// curved nine tails, open or overshooting loops), drawn with the app's round
// brush at any pen width, size and slant, then preprocessed exactly like a
// canvas. Two sources: edits of real MNIST training digits (a slash through a
// 0, a crossbar on a 7, a flag and a base on a 1) and stroke models.
// Seeded: the same generator state gives the same image.
#pragma once

#include <array>
#include <random>
#include <string>
#include <vector>

#include "digits/architecture.h"
#include "digits/idx.h"

namespace digits::train {

// A grey canvas (0 = background, 1 = ink), the generators' drawing surface.
struct Canvas {
  int width = 0, height = 0;
  std::vector<float> pixels;
  Canvas(int w, int h) : width(w), height(h), pixels(static_cast<std::size_t>(w) * h, 0.0f) {}
};

// Training digits of each class that an edit may start from (the training
// split only: never validation or test images).
struct StyleSource {
  const Dataset* mnist = nullptr;
  std::array<std::vector<int>, kClasses> by_class;
};
StyleSource make_style_source(const Dataset& mnist, const std::vector<int>& train_indices);

// The styles drawn for each class, by name (e.g. "slashed-zero").
const std::vector<std::string>& style_names(int label);

// Draws `label` in style `style` (an index into style_names(label)) onto
// `canvas`, which must be blank.
void draw_style(int label, int style, std::mt19937& rng, const StyleSource& source, Canvas& canvas);

// A random style of `label`, preprocessed to the network's 28x28 input.
// Returns false when the drawing came out empty (the caller draws another).
bool style_input(int label, std::mt19937& rng, const StyleSource& source, float* out);

// A 28x28 network input from a canvas (MNIST preprocessing); false if blank.
bool canvas_input(const Canvas& canvas, float* out);

// Strokes in a unit box, drawn with the round brush after a random
// handwriting transform (slant, rotation, aspect, size, smooth jitter).
using Point = std::array<float, 2>;
using Stroke = std::vector<Point>;
struct PenStyle {
  float height = 0;      // glyph height in canvas pixels
  float radius = 0;      // brush radius in canvas pixels
  float slant = 0;       // shear: x += slant * (0.5 - y)
  float rotation = 0;    // radians
  float aspect = 0.7f;   // width / height
  float jitter = 0.02f;  // smooth random displacement of control points (unit box)
  float cx = 0, cy = 0;  // glyph centre on the canvas
};
PenStyle random_pen(std::mt19937& rng, const Canvas& canvas);
// `smooth`: curves through the points (handwriting); else straight segments
// with sharp corners (polygons, hatching).
void draw_strokes(const std::vector<Stroke>& strokes, const PenStyle& pen, std::mt19937& rng, Canvas& canvas,
                  bool smooth = true);

}  // namespace digits::train
