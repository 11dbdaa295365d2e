// A style benchmark set: the digit forms people around the world write that
// MNIST (US Census staff and students, early 1990s) barely contains --
// slashed and dotted zeros, continental ones, crossed sevens, open fours,
// looped twos, flat-topped threes, loops left open or overshooting -- and the
// ways a canvas user's pen differs from theirs: very thin and very thick
// strokes, tiny and huge drawings, slant both ways.
//
// Each style has its own generator: a *form* (stroke paths in a unit box, in
// the order a hand writes them, with that writer's proportions) and a *pose*
// (canvas, size, pen, slant, rotation, place, smooth hand wobble). The set is
// written as PNG files "<index>_<style>_<label>.png" for `digits predict`.
// Nothing here is shared with training: its templates, generator and seed
// are its own, so it measures what training has not seen.
#pragma once

#include <array>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace digits::train {

using StylePoint = std::array<float, 2>;      // x right, y down, in the unit box
using StyleStroke = std::vector<StylePoint>;  // one pen-down movement

struct StyleGlyph {
  std::vector<StyleStroke> strokes;
  float aspect = 0.7f;  // width of the unit box relative to its height
};

// Where and how a glyph lands on a canvas.
struct Pose {
  int canvas_width = 280, canvas_height = 280;
  float height = 180;                    // glyph box height in pixels
  float width_scale = 1;                 // multiplies the form's aspect
  float pen_radius = 6;                  // brush radius in pixels (stroke width is twice this)
  float shear = 0;                       // > 0 leans the top to the right (a right slant)
  float rotation = 0;                    // radians, clockwise on screen
  float centre_x = 0.5f;                 // where the glyph's centre goes, as a fraction of
  float centre_y = 0.5f;                 // the free room left on the canvas
  float wobble = 0;                      // amplitude of the smooth hand wobble, fraction of height
  std::array<float, 12> wobble_waves{};  // frequencies and phases of that wobble
  std::array<float, 2> overshoot{};      // how far each stroke's ends run on, fraction of height
};

struct StyleImage {
  int width = 0, height = 0;
  std::vector<float> pixels;  // white ink (1) on black (0), row-major
};

struct Style {
  const char* name;
  int label;  // -1: any digit (pose styles), the caller picks the label
  StyleGlyph (*form)(std::mt19937& rng, int label);
  Pose (*pose)(std::mt19937& rng);
};

// Every style of the set, in the order the set cycles through them.
const std::vector<Style>& styles();
const Style& find_style(const std::string& name);  // throws digits::Error

// A pose with no slant, rotation or wobble, a medium pen and the glyph in the
// middle of a 280x280 canvas: what the tests measure forms in.
Pose upright_pose(float height = 200, float pen_radius = 5);

StyleImage render_glyph(const StyleGlyph& glyph, const Pose& pose);

struct StyleSample {
  int label = 0;
  StyleGlyph glyph;
  Pose pose;
  StyleImage image;
};

// One sample of `style`; `label` is used only by any-digit styles.
StyleSample generate_style(const Style& style, std::mt19937& rng, int label);

struct StyleSetOptions {
  std::string out_dir;
  int count = 2200;  // 100 per style
  std::uint32_t seed = 1066;
};

int write_style_set(const StyleSetOptions& options);

}  // namespace digits::train
