// The style benchmark set: per-style stroke models of how people write each
// form, rendered with the app's brush, written as PNG files.
//
// [SECTION] Stroke helpers
// [SECTION] Forms: the common (US school) digits
// [SECTION] Forms: the world's variants
// [SECTION] Poses: size, pen, slant, canvas
// [SECTION] Rendering
// [SECTION] The style table and the writer
//
// The forms follow the regional variants documented for handwritten Western
// Arabic numerals (e.g. Wikipedia's "Regional handwriting variation", and
// Briem's stroke-order notes for school numerals): a zero slashed or dotted to
// tell it from the letter O; a continental 1 whose entry stroke runs from far
// down the left up to the top of the stem, which is why those writers cross
// their 7; a 1 with a base serif; an open 4 drawn as an L plus a stem; the
// curly 2 with a loop at the bottom left; a flat-topped 3 like an ezh; a 9
// with a straight stem or a tail curling left like a g. Every coordinate is in
// a unit box (x right, y down), proportions drawn per sample so no two writers
// are alike.
#include "style_set.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "digits/brush.h"
#include "digits/error.h"

#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>

namespace digits::train {
namespace {

constexpr float kPi = 3.14159265f;

// [SECTION] Stroke helpers

float uniform(std::mt19937& rng, float lo, float hi) { return std::uniform_real_distribution<float>(lo, hi)(rng); }
bool chance(std::mt19937& rng, float p) { return uniform(rng, 0, 1) < p; }

// Points of an elliptical arc; angles grow clockwise on screen (y is down), so
// a decreasing angle is the counter-clockwise movement most hands use for 0, 6, 9.
StyleStroke arc(float cx, float cy, float rx, float ry, float from, float to) {
  const int n = std::max(8, static_cast<int>(std::fabs(to - from) * 20));
  StyleStroke s;
  for (int i = 0; i <= n; ++i) {
    const float a = from + (to - from) * i / n;
    s.push_back({cx + rx * std::cos(a), cy + ry * std::sin(a)});
  }
  return s;
}

// A quadratic Bezier: a stroke that bows towards `control`.
StyleStroke bow(StylePoint a, StylePoint control, StylePoint b) {
  StyleStroke s;
  for (int i = 0; i <= 16; ++i) {
    const float t = i / 16.0f, u = 1 - t;
    s.push_back(
        {u * u * a[0] + 2 * u * t * control[0] + t * t * b[0], u * u * a[1] + 2 * u * t * control[1] + t * t * b[1]});
  }
  return s;
}

// A slightly bowed straight stroke, as a hand draws a "line".
StyleStroke line(std::mt19937& rng, StylePoint a, StylePoint b, float bend = 0.03f) {
  const float k = uniform(rng, -bend, bend);
  const StylePoint mid{(a[0] + b[0]) / 2 + k * (b[1] - a[1]), (a[1] + b[1]) / 2 - k * (b[0] - a[0])};
  return bow(a, mid, b);
}

// Continues `s` with `more` (one pen-down movement).
StyleStroke& then(StyleStroke& s, const StyleStroke& more) {
  s.insert(s.end(), more.begin() + (s.empty() ? 0 : 1), more.end());
  return s;
}

// [SECTION] Forms: the common (US school) digits

// A zero begun near twelve o'clock and written counter-clockwise. `sweep` is
// how far round the pen goes (2 pi closes it); past a full turn the end drifts
// outwards by up to `drift` of the radius, as an overshooting hand does.
StyleGlyph zero_ring(std::mt19937& rng, float sweep, float drift, StylePoint* radii = nullptr) {
  const float cx = 0.5f + uniform(rng, -0.02f, 0.02f), cy = 0.5f;
  const float rx = uniform(rng, 0.36f, 0.44f), ry = uniform(rng, 0.43f, 0.47f);
  if (radii) *radii = {rx, ry};
  const float start = -kPi / 2 + uniform(rng, 0.05f, 0.45f);
  StyleStroke s;
  const int n = static_cast<int>(sweep * 20);
  for (int i = 0; i <= n; ++i) {
    const float t = sweep * i / n, past = std::max(0.0f, t - 2 * kPi);
    const float grow = 1 + (sweep > 2 * kPi ? drift * past / (sweep - 2 * kPi) : 0);
    s.push_back({cx + grow * rx * std::cos(start - t), cy + grow * ry * std::sin(start - t)});
  }
  return {{s}, 0.68f};
}

StyleGlyph closed_zero(std::mt19937& rng, StylePoint* radii = nullptr) {
  return zero_ring(rng, 2 * kPi + uniform(rng, 0.0f, 0.25f), 0, radii);
}

// A US "1": one down-stroke, sometimes with a short entry tick at the top.
StyleGlyph common_one(std::mt19937& rng) {
  const float x = 0.55f + uniform(rng, -0.05f, 0.05f);
  StyleStroke s;
  if (chance(rng, 0.3f)) s = {{x - uniform(rng, 0.12f, 0.2f), uniform(rng, 0.12f, 0.2f)}};
  then(s, line(rng, {x, 0.03f}, {x + uniform(rng, -0.05f, 0.05f), 0.97f}));
  return {{s}, 0.55f};
}

// The arc over the top of a 2, from its left end clockwise to its right side.
StyleStroke two_top(std::mt19937& rng) {
  return arc(0.5f, 0.3f, uniform(rng, 0.3f, 0.36f), uniform(rng, 0.2f, 0.25f), kPi + uniform(rng, 0.2f, 0.5f),
             2 * kPi + uniform(rng, 0.3f, 0.6f));
}

StyleGlyph common_two(std::mt19937& rng) {
  StyleStroke s = two_top(rng);
  const float base = 0.95f + uniform(rng, -0.02f, 0.01f);
  then(s, line(rng, s.back(), {uniform(rng, 0.08f, 0.16f), base}));
  then(s, line(rng, s.back(), {uniform(rng, 0.85f, 0.95f), base + uniform(rng, -0.02f, 0.02f)}, 0.01f));
  return {{s}, 0.72f};
}

// Two bowls, the upper begun at the upper left, the lower ending lower left.
StyleGlyph round_three(std::mt19937& rng) {
  StyleStroke s = arc(0.48f, 0.27f, uniform(rng, 0.28f, 0.34f), uniform(rng, 0.19f, 0.23f), -kPi + 0.5f,
                      kPi / 2 + uniform(rng, 0.15f, 0.35f));
  then(s, arc(0.48f, 0.71f, uniform(rng, 0.33f, 0.39f), 0.25f, -kPi / 2 - 0.35f, kPi - uniform(rng, 0.3f, 0.6f)));
  return {{s}, 0.68f};
}

// A closed 4: the diagonal from the apex down-left and the bar to the right,
// then the stem from the apex down (Briem writes the stem first; the ink is
// the same).
StyleGlyph closed_four(std::mt19937& rng) {
  const float ax = uniform(rng, 0.58f, 0.68f), ay = uniform(rng, 0.02f, 0.06f), bar = uniform(rng, 0.58f, 0.68f);
  StyleStroke a = line(rng, {ax, ay}, {uniform(rng, 0.04f, 0.14f), bar}, 0.02f);
  then(a, line(rng, a.back(), {uniform(rng, 0.88f, 0.97f), bar + uniform(rng, -0.03f, 0.02f)}, 0.01f));
  StyleStroke stem = line(rng, {ax + uniform(rng, -0.015f, 0.015f), ay - uniform(rng, 0.0f, 0.03f)},
                          {ax + uniform(rng, -0.04f, 0.03f), 0.97f}, 0.01f);
  return {{a, stem}, 0.75f};
}

// An open 4: an L (down the left, then the bar to the right) and a separate
// stem through the bar; the two tops never meet.
StyleGlyph open_four(std::mt19937& rng) {
  const float bar = uniform(rng, 0.58f, 0.66f), sx = uniform(rng, 0.6f, 0.7f);
  StyleStroke l = line(rng, {uniform(rng, 0.2f, 0.32f), uniform(rng, 0.03f, 0.12f)}, {uniform(rng, 0.08f, 0.16f), bar});
  then(l, line(rng, l.back(), {uniform(rng, 0.88f, 0.97f), bar + uniform(rng, -0.03f, 0.02f)}, 0.01f));
  StyleStroke stem = line(rng, {sx, uniform(rng, 0.02f, 0.14f)}, {sx + uniform(rng, -0.04f, 0.03f), 0.97f}, 0.015f);
  return {{l, stem}, 0.75f};
}

// A short stem, the bowl, then the pen lifts to add the flag on top.
StyleGlyph common_five(std::mt19937& rng) {
  const float top = uniform(rng, 0.04f, 0.09f), x = uniform(rng, 0.24f, 0.32f);
  StyleStroke s = line(rng, {x, top}, {x - uniform(rng, 0.0f, 0.05f), 0.44f}, 0.02f);
  then(s, arc(0.48f, 0.69f, uniform(rng, 0.33f, 0.38f), 0.26f, -kPi + 0.9f, kPi - uniform(rng, 0.35f, 0.6f)));
  const StyleStroke flag = line(rng, {x, top}, {uniform(rng, 0.78f, 0.9f), top + uniform(rng, -0.03f, 0.01f)}, 0.01f);
  return {{s, flag}, 0.68f};
}

// A 6 from the top right down the left side into its loop, written
// counter-clockwise; `end` is the loop angle the pen stops at (-pi closes it).
StyleStroke six_stroke(std::mt19937& rng, float end) {
  const float rx = uniform(rng, 0.32f, 0.37f), ry = uniform(rng, 0.24f, 0.28f);
  StyleStroke s = bow({uniform(rng, 0.68f, 0.8f), uniform(rng, 0.02f, 0.06f)}, {0.22f, 0.16f}, {0.5f - rx, 0.7f});
  return then(s, arc(0.5f, 0.7f, rx, ry, kPi, end));
}

StyleGlyph closed_six(std::mt19937& rng) { return {{six_stroke(rng, -kPi - uniform(rng, 0.0f, 0.2f))}, 0.7f}; }

StyleGlyph common_seven(std::mt19937& rng, StyleStroke* stem_out = nullptr) {
  StyleStroke s;
  const float left = uniform(rng, 0.08f, 0.16f), top = uniform(rng, 0.05f, 0.1f);
  if (chance(rng, 0.25f)) s = {{left, top + uniform(rng, 0.08f, 0.15f)}};  // a small serif down at the left
  then(s, line(rng, {left, top}, {uniform(rng, 0.84f, 0.94f), top + uniform(rng, -0.03f, 0.02f)}, 0.015f));
  const StyleStroke stem = line(rng, s.back(), {uniform(rng, 0.3f, 0.5f), 0.97f}, 0.04f);
  then(s, stem);
  if (stem_out) *stem_out = stem;
  return {{s}, 0.7f};
}

// An 8 in one movement: from the top right counter-clockwise over the top,
// across the waist, clockwise round the lower loop and back up to the start.
// `turns` is how far the pen goes (1 closes it); past a full turn the end
// rises by `drift` of the height (an overshoot above the top).
StyleGlyph eight_stroke(std::mt19937& rng, float turns, float drift) {
  const float waist = uniform(rng, 0.42f, 0.5f), upper = uniform(rng, 0.26f, 0.34f), lower = uniform(rng, 0.33f, 0.41f);
  const float start = -uniform(rng, 0.2f, 0.4f), sweep = 2 * kPi * turns;
  const int n = static_cast<int>(sweep * 24);
  StyleStroke s;
  for (int i = 0; i <= n; ++i) {
    const float t = start + sweep * i / n, c = std::cos(t);
    const float half = c >= 0 ? upper : lower;
    const float y = c >= 0 ? waist - (waist - 0.03f) * c : waist - (0.97f - waist) * c;
    const float past = std::max(0.0f, sweep * i / n - 2 * kPi);
    const float rise = turns > 1 ? drift * past / (sweep - 2 * kPi) : 0;
    s.push_back({0.5f - half * std::sin(2 * t), y - rise});
  }
  return {{s}, 0.62f};
}

StyleGlyph closed_eight(std::mt19937& rng) { return eight_stroke(rng, 1 + uniform(rng, 0.0f, 0.04f), 0); }

// The loop of a 9, begun at its right side and written counter-clockwise.
StyleStroke nine_loop(std::mt19937& rng, float& cx, float& cy, float& rx) {
  cx = 0.48f, cy = 0.3f, rx = uniform(rng, 0.3f, 0.36f);
  const float ry = uniform(rng, 0.21f, 0.26f), start = uniform(rng, -0.1f, 0.25f);
  return arc(cx, cy, rx, ry, start, start - 2 * kPi - uniform(rng, 0.0f, 0.2f));
}

StyleGlyph straight_nine(std::mt19937& rng) {
  float cx, cy, rx;
  StyleStroke s = nine_loop(rng, cx, cy, rx);
  then(s, line(rng, {cx + rx, cy}, {cx + rx + uniform(rng, -0.1f, 0.02f), 0.97f}, 0.02f));
  return {{s}, 0.65f};
}

StyleGlyph common_form(std::mt19937& rng, int label) {
  switch (label) {
    case 0:
      return closed_zero(rng);
    case 1:
      return common_one(rng);
    case 2:
      return common_two(rng);
    case 3:
      return round_three(rng);
    case 4:
      return chance(rng, 0.6f) ? closed_four(rng) : open_four(rng);
    case 5:
      return common_five(rng);
    case 6:
      return closed_six(rng);
    case 7:
      return common_seven(rng);
    case 8:
      return closed_eight(rng);
    default:
      return straight_nine(rng);
  }
}

// [SECTION] Forms: the world's variants (each ignores the label: it is its own)

// A zero crossed by one diagonal stroke from beyond its upper right to beyond
// its lower left (or back), the way programmers and Scandinavians tell it
// from O and Ø respectively; its ends stick out of the ring.
StyleGlyph slashed_zero(std::mt19937& rng, int) {
  StylePoint radii;
  StyleGlyph g = closed_zero(rng, &radii);
  const float cx = 0.5f, cy = 0.5f, rx = radii[0], ry = radii[1], k = 0.7071f;
  // Each end runs 25-55% of the radius past the ring.
  const float out1 = uniform(rng, 1.25f, 1.55f), out2 = uniform(rng, 1.25f, 1.55f), tilt = uniform(rng, -0.05f, 0.05f);
  StylePoint a{cx + out1 * k * rx + tilt, cy - out1 * k * ry}, b{cx - out2 * k * rx - tilt, cy + out2 * k * ry};
  if (chance(rng, 0.5f)) std::swap(a, b);
  g.strokes.push_back(line(rng, a, b, 0.02f));
  return g;
}

// A zero with a dot (a short dab of the pen) at its centre.
StyleGlyph dotted_zero(std::mt19937& rng, int) {
  StyleGlyph g = closed_zero(rng);
  const float x = 0.5f + uniform(rng, -0.04f, 0.04f), y = 0.5f + uniform(rng, -0.04f, 0.04f);
  const float len = uniform(rng, 0.0f, 0.04f), a = uniform(rng, 0, 2 * kPi);
  g.strokes.push_back({{x, y}, {x + len * std::cos(a), y + len * std::sin(a)}});
  return g;
}

// A continental 1: the entry stroke starts far down on the left (from a
// third of the way to nearly the whole way to the baseline) and runs up to
// the top of the stem; then straight down. No base. Next to it a plain 7 is easy to confuse,
// hence the crossed 7 of the same writers.
StyleGlyph continental_one(std::mt19937& rng, int) {
  const float x = 0.62f + uniform(rng, -0.04f, 0.04f), top = uniform(rng, 0.02f, 0.07f);
  const StylePoint from{x - uniform(rng, 0.38f, 0.6f), uniform(rng, 0.32f, 0.8f)}, apex{x, top};
  const float sag = uniform(rng, -0.06f, 0.04f);  // the up-stroke may sag or bulge a little
  StyleStroke s = bow(from, {(from[0] + x) / 2 + sag, (from[1] + top) / 2 - sag}, apex);
  then(s, line(rng, apex, {x + uniform(rng, -0.05f, 0.04f), 0.97f}, 0.015f));
  return {{s}, 0.55f};
}

// A 1 with a shorter flag and a horizontal base serif drawn after the stem.
StyleGlyph serif_one(std::mt19937& rng, int) {
  const float x = 0.55f + uniform(rng, -0.03f, 0.03f), top = uniform(rng, 0.02f, 0.07f), base = 0.96f;
  StyleStroke s = line(rng, {x - uniform(rng, 0.2f, 0.34f), uniform(rng, 0.15f, 0.38f)}, {x, top}, 0.03f);
  then(s, line(rng, {x, top}, {x + uniform(rng, -0.03f, 0.03f), base}, 0.01f));
  const StyleStroke foot = line(rng, {x - uniform(rng, 0.24f, 0.34f), base + uniform(rng, -0.015f, 0.015f)},
                                {x + uniform(rng, 0.24f, 0.34f), base + uniform(rng, -0.015f, 0.015f)}, 0.01f);
  return {{s, foot}, 0.55f};
}

// A 1 that is only the down-stroke.
StyleGlyph plain_one(std::mt19937& rng, int) {
  const float x = 0.5f + uniform(rng, -0.05f, 0.05f);
  return {{line(rng, {x, 0.03f}, {x + uniform(rng, -0.06f, 0.06f), 0.97f}, 0.03f)}, 0.5f};
}

// A 7 and then, pen lifted, a short bar across its stem near mid-height.
StyleGlyph crossed_seven(std::mt19937& rng, int) {
  StyleStroke stem;
  StyleGlyph g = common_seven(rng, &stem);
  const float y = uniform(rng, 0.46f, 0.58f);
  // Where the stem is at that height (the stem runs from top to bottom).
  const auto at = std::min_element(stem.begin(), stem.end(), [y](const StylePoint& p, const StylePoint& q) {
    return std::fabs(p[1] - y) < std::fabs(q[1] - y);
  });
  const float x = (*at)[0], tilt = uniform(rng, -0.03f, 0.03f);
  g.strokes.push_back(
      line(rng, {x - uniform(rng, 0.17f, 0.27f), y + tilt}, {x + uniform(rng, 0.17f, 0.27f), y - tilt}, 0.01f));
  return g;
}

StyleGlyph plain_seven(std::mt19937& rng, int) { return common_seven(rng); }
StyleGlyph open_four_form(std::mt19937& rng, int) { return open_four(rng); }
StyleGlyph closed_four_form(std::mt19937& rng, int) { return closed_four(rng); }
StyleGlyph straight_nine_form(std::mt19937& rng, int) { return straight_nine(rng); }

// A 9 whose tail goes down and curls to the left at the bottom, like a g.
StyleGlyph curved_nine(std::mt19937& rng, int) {
  float cx, cy, rx;
  StyleStroke s = nine_loop(rng, cx, cy, rx);
  const float turn = uniform(rng, 0.62f, 0.72f), r = uniform(rng, 0.3f, 0.4f), rr = 0.97f - turn;
  then(s, line(rng, {cx + rx, cy}, {cx + rx, turn}, 0.01f));
  then(s, arc(cx + rx - r, turn, r, rr, 0, uniform(rng, 2.0f, 2.5f)));
  return {{s}, 0.65f};
}

// The curly 2: the top arc, the diagonal down into the bottom left, a small
// clockwise loop there that crosses the diagonal, then the base to the right.
StyleGlyph looped_two(std::mt19937& rng, int) {
  StyleStroke s = two_top(rng);
  const float cx = uniform(rng, 0.24f, 0.3f), cy = uniform(rng, 0.8f, 0.83f);
  const float rx = uniform(rng, 0.12f, 0.16f), ry = uniform(rng, 0.09f, 0.12f), enter = uniform(rng, 0.4f, 0.8f);
  const StyleStroke loop = arc(cx, cy, rx, ry, enter, enter + 2 * kPi + 0.3f);
  then(s, line(rng, s.back(), loop.front(), 0.02f));
  then(s, loop);
  const float base = std::min(0.98f, cy + ry + uniform(rng, 0.0f, 0.04f));
  then(s, bow(s.back(), {s.back()[0] + 0.02f, base}, {s.back()[0] + 0.15f, base}));
  then(s, line(rng, s.back(), {uniform(rng, 0.86f, 0.96f), base + uniform(rng, -0.02f, 0.02f)}, 0.01f));
  return {{s}, 0.75f};
}

// The flat-topped 3: a straight top bar, a diagonal down to the middle, then
// one bowl ending at the lower left (like an ezh, Ʒ).
StyleGlyph flat_three(std::mt19937& rng, int) {
  const float top = uniform(rng, 0.03f, 0.08f);
  StyleStroke s = line(rng, {uniform(rng, 0.1f, 0.2f), top},
                       {uniform(rng, 0.78f, 0.88f), top + uniform(rng, -0.02f, 0.02f)}, 0.01f);
  const StylePoint middle{uniform(rng, 0.38f, 0.5f), uniform(rng, 0.36f, 0.44f)};
  then(s, line(rng, s.back(), middle, 0.02f));
  const float ry = (0.97f - middle[1]) / 2, rx = uniform(rng, 0.34f, 0.4f), start = -kPi / 2 - 0.2f;
  const float cx = middle[0] - rx * std::cos(start), cy = middle[1] - ry * std::sin(start);
  then(s, arc(cx, cy, rx, ry, start, kPi - uniform(rng, 0.25f, 0.55f)));
  return {{s}, 0.7f};
}

// Loops left open (the pen stops short of where it started) or overshooting
// (it runs on past the start and out of the loop), half of each.
StyleGlyph open_zero(std::mt19937& rng, int) {
  if (chance(rng, 0.5f)) return zero_ring(rng, 2 * kPi - uniform(rng, 0.75f, 1.15f), 0);
  return zero_ring(rng, 2 * kPi + uniform(rng, 0.6f, 1.0f), uniform(rng, 0.35f, 0.5f));
}

// A 6 whose loop stops near its top, or whose end runs on across the stem
// and out to the left.
StyleGlyph open_six(std::mt19937& rng, int) {
  if (chance(rng, 0.5f)) return {{six_stroke(rng, -kPi + uniform(rng, 1.1f, 1.6f))}, 0.7f};
  StyleStroke s = six_stroke(rng, -kPi + uniform(rng, 0.25f, 0.4f));
  const float len = uniform(rng, 0.2f, 0.3f);
  then(s, line(rng, s.back(), {s.back()[0] - len, s.back()[1] + len * 0.35f}, 0.01f));
  return {{s}, 0.7f};
}

// An 8 whose back-stroke stops short of the start, or runs on past it and
// up out of the top.
StyleGlyph open_eight(std::mt19937& rng, int) {
  if (chance(rng, 0.5f)) return eight_stroke(rng, 1 - uniform(rng, 0.6f, 1.0f) / (2 * kPi), 0);
  return eight_stroke(rng, 1 + uniform(rng, 0.5f, 0.8f) / (2 * kPi), uniform(rng, 0.13f, 0.2f));
}

StyleGlyph any_digit(std::mt19937& rng, int label) { return common_form(rng, label); }

// [SECTION] Poses: size, pen, slant, canvas

// Canvases people draw on: the app's 280x280 most often, then others,
// landscape and portrait.
constexpr std::array<std::array<int, 2>, 7> kCanvases{
    {{280, 280}, {280, 280}, {280, 280}, {400, 280}, {224, 320}, {360, 300}, {300, 420}}};

Pose random_pose(std::mt19937& rng) {
  Pose p;
  const auto& canvas = kCanvases[rng() % kCanvases.size()];
  p.canvas_width = canvas[0];
  p.canvas_height = canvas[1];
  p.height = std::min(uniform(rng, 90, 240), 0.9f * p.canvas_height);
  p.width_scale = uniform(rng, 0.85f, 1.15f);
  p.pen_radius = std::clamp(p.height * uniform(rng, 0.022f, 0.045f), 2.0f, 12.0f);
  p.shear = uniform(rng, -0.15f, 0.15f);
  p.rotation = uniform(rng, -0.12f, 0.12f);
  p.centre_x = uniform(rng, 0, 1);
  p.centre_y = uniform(rng, 0, 1);
  p.wobble = uniform(rng, 0.006f, 0.02f);
  for (std::size_t i = 0; i < p.wobble_waves.size(); i += 3) {
    p.wobble_waves[i] = uniform(rng, 2, 6) * (chance(rng, 0.5f) ? 1 : -1);
    p.wobble_waves[i + 1] = uniform(rng, 2, 6) * (chance(rng, 0.5f) ? 1 : -1);
    p.wobble_waves[i + 2] = uniform(rng, 0, 2 * kPi);
  }
  p.overshoot = {uniform(rng, 0, 0.03f), uniform(rng, 0, 0.03f)};
  return p;
}

// Very thin: a 1.5-2.5 px line, as a stylus or the smallest brush leaves.
Pose thin_pen(std::mt19937& rng) {
  Pose p = random_pose(rng);
  p.height = std::min(uniform(rng, 110, 240), 0.9f * p.canvas_height);
  p.pen_radius = uniform(rng, 0.75f, 1.25f);
  return p;
}

// Very thick: a marker or a finger, stroke width 14-20% of the digit's height.
Pose thick_pen(std::mt19937& rng) {
  Pose p = random_pose(rng);
  p.height = std::min(uniform(rng, 100, 230), 0.9f * p.canvas_height);
  p.pen_radius = p.height * uniform(rng, 0.07f, 0.1f);
  return p;
}

// A digit 22-40 px tall somewhere on a big canvas.
Pose tiny(std::mt19937& rng) {
  Pose p = random_pose(rng);
  p.height = uniform(rng, 22, 40);
  p.pen_radius = std::clamp(p.height * uniform(rng, 0.05f, 0.1f), 1.0f, 4.0f);
  return p;
}

// A digit filling the canvas top to bottom (235-272 px), on a canvas wide
// enough that it need not shrink to fit.
Pose huge(std::mt19937& rng) {
  Pose p = random_pose(rng);
  p.canvas_width = std::max(p.canvas_width, 300);
  p.height = std::min(uniform(rng, 235, 272), 0.97f * p.canvas_height);
  p.shear = uniform(rng, -0.08f, 0.08f);
  p.pen_radius = p.height * uniform(rng, 0.025f, 0.045f);
  p.rotation = uniform(rng, -0.05f, 0.05f);
  return p;
}

Pose slant(std::mt19937& rng, float sign) {
  Pose p = random_pose(rng);
  p.shear = sign * uniform(rng, 0.2f, 0.35f);
  p.rotation = uniform(rng, -0.05f, 0.05f);
  return p;
}
Pose left_slant(std::mt19937& rng) { return slant(rng, -1); }
Pose right_slant(std::mt19937& rng) { return slant(rng, 1); }

// Forms are shown with a moderate pen so their features (holes, gaps) stay
// visible; pen extremes have their own styles.
Pose form_pose(std::mt19937& rng) { return random_pose(rng); }

// [SECTION] Rendering

// Adds points so no step is longer than 0.01 of the box: the wobble then
// bends long straight strokes too.
StyleStroke densify(const StyleStroke& s) {
  StyleStroke out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i > 0) {
      const float dx = s[i][0] - s[i - 1][0], dy = s[i][1] - s[i - 1][1];
      const int steps = static_cast<int>(std::ceil(std::hypot(dx, dy) / 0.01f));
      for (int k = 1; k < steps; ++k) out.push_back({s[i - 1][0] + dx * k / steps, s[i - 1][1] + dy * k / steps});
    }
    out.push_back(s[i]);
  }
  return out;
}

// Runs the stroke on past its end by `length` pixels along its last direction.
void extend(StyleStroke& s, float length) {
  if (s.size() < 2 || length <= 0) return;
  const StylePoint end = s.back();
  for (std::size_t i = s.size() - 1; i-- > 0;) {
    const float dx = end[0] - s[i][0], dy = end[1] - s[i][1], d = std::hypot(dx, dy);
    if (d < 3 && i > 0) continue;
    if (d > 0) s.push_back({end[0] + dx / d * length, end[1] + dy / d * length});
    return;
  }
}

}  // namespace

Pose upright_pose(float height, float pen_radius) {
  Pose p;
  p.height = height;
  p.pen_radius = pen_radius;
  return p;
}

StyleImage render_glyph(const StyleGlyph& glyph, const Pose& p) {
  const float width = glyph.aspect * p.width_scale * p.height, c = std::cos(p.rotation), s = std::sin(p.rotation);
  // The hand's wobble: a smooth displacement field over the box (two waves
  // per axis), the same for every stroke, so crossings and closures survive.
  auto wave = [&](int axis, float x, float y) {
    const float* w = &p.wobble_waves[axis * 6];
    return (std::sin(w[0] * x + w[1] * y + w[2]) + std::sin(w[3] * x + w[4] * y + w[5])) / 2;
  };
  std::vector<StyleStroke> strokes;
  float x0 = 1e9f, y0 = 1e9f, x1 = -1e9f, y1 = -1e9f;
  for (const StyleStroke& unit : glyph.strokes) {
    StyleStroke out;
    for (const StylePoint& q : densify(unit)) {
      const float lx = (q[0] - 0.5f) * width + p.wobble * p.height * wave(0, q[0], q[1]);
      const float ly = (q[1] - 0.5f) * p.height + p.wobble * p.height * wave(1, q[0], q[1]);
      const float sx = lx - p.shear * ly;  // y is down: the top (ly < 0) moves right for shear > 0
      out.push_back({c * sx - s * ly, s * sx + c * ly});
    }
    std::reverse(out.begin(), out.end());
    extend(out, p.overshoot[0] * p.height);
    std::reverse(out.begin(), out.end());
    extend(out, p.overshoot[1] * p.height);
    for (const StylePoint& q : out) {
      x0 = std::min(x0, q[0]), x1 = std::max(x1, q[0]), y0 = std::min(y0, q[1]), y1 = std::max(y1, q[1]);
    }
    strokes.push_back(std::move(out));
  }
  // Fit the canvas (a huge, slanted digit may not), then place it in the room left.
  const float margin = p.pen_radius + 2;
  const float fit = std::min({1.0f, (p.canvas_width - 2 * margin) / std::max(1.0f, x1 - x0),
                              (p.canvas_height - 2 * margin) / std::max(1.0f, y1 - y0)});
  const float ox = margin - fit * x0 + p.centre_x * (p.canvas_width - 2 * margin - fit * (x1 - x0));
  const float oy = margin - fit * y0 + p.centre_y * (p.canvas_height - 2 * margin - fit * (y1 - y0));
  StyleImage image{p.canvas_width, p.canvas_height, std::vector<float>(std::size_t(p.canvas_width) * p.canvas_height)};
  for (const StyleStroke& stroke : strokes) {
    for (std::size_t i = 0; i < stroke.size(); ++i) {
      const StylePoint a = stroke[i == 0 ? 0 : i - 1], b = stroke[i];
      paint_segment(image.pixels.data(), image.width, image.height, ox + fit * a[0], oy + fit * a[1], ox + fit * b[0],
                    oy + fit * b[1], p.pen_radius, false);
    }
  }
  return image;
}

// [SECTION] The style table and the writer

const std::vector<Style>& styles() {
  static const std::vector<Style> table = {
      {"slashed-zero", 0, slashed_zero, form_pose},
      {"dotted-zero", 0, dotted_zero, form_pose},
      {"continental-one", 1, continental_one, form_pose},
      {"serif-one", 1, serif_one, form_pose},
      {"plain-one", 1, plain_one, form_pose},
      {"crossed-seven", 7, crossed_seven, form_pose},
      {"plain-seven", 7, plain_seven, form_pose},
      {"open-four", 4, open_four_form, form_pose},
      {"closed-four", 4, closed_four_form, form_pose},
      {"straight-nine", 9, straight_nine_form, form_pose},
      {"curved-nine", 9, curved_nine, form_pose},
      {"looped-two", 2, looped_two, form_pose},
      {"flat-three", 3, flat_three, form_pose},
      {"open-zero", 0, open_zero, form_pose},
      {"open-six", 6, open_six, form_pose},
      {"open-eight", 8, open_eight, form_pose},
      {"thin-pen", -1, any_digit, thin_pen},
      {"thick-pen", -1, any_digit, thick_pen},
      {"tiny", -1, any_digit, tiny},
      {"huge", -1, any_digit, huge},
      {"left-slant", -1, any_digit, left_slant},
      {"right-slant", -1, any_digit, right_slant},
  };
  return table;
}

const Style& find_style(const std::string& name) {
  for (const Style& s : styles()) {
    if (name == s.name) return s;
  }
  throw Error("style set: no style named \"" + name + "\"");
}

StyleSample generate_style(const Style& style, std::mt19937& rng, int label) {
  StyleSample sample;
  sample.label = style.label >= 0 ? style.label : label;
  sample.glyph = style.form(rng, sample.label);
  sample.pose = style.pose(rng);
  sample.image = render_glyph(sample.glyph, sample.pose);
  return sample;
}

int write_style_set(const StyleSetOptions& o) {
  if (o.count <= 0) throw Error("style-set: --count must be positive (got " + std::to_string(o.count) + ")");
  std::filesystem::create_directories(o.out_dir);
  const auto& table = styles();
  for (int i = 0; i < o.count; ++i) {
    // One generator per image: any image can be regenerated on its own.
    std::seed_seq seq{o.seed, static_cast<std::uint32_t>(i)};
    std::mt19937 rng(seq);
    const Style& style = table[i % table.size()];
    const StyleSample sample = generate_style(style, rng, static_cast<int>(i / table.size()) % 10);
    std::vector<std::uint8_t> bytes(sample.image.pixels.size());
    for (std::size_t k = 0; k < bytes.size(); ++k) {
      bytes[k] = static_cast<std::uint8_t>(std::lround(255 * std::clamp(sample.image.pixels[k], 0.0f, 1.0f)));
    }
    char name[96];
    std::snprintf(name, sizeof name, "%05d_%s_%d.png", i, style.name, sample.label);
    const std::string path = o.out_dir + "/" + name;
    if (stbi_write_png(path.c_str(), sample.image.width, sample.image.height, 1, bytes.data(), sample.image.width) ==
        0) {
      throw Error(path + ": cannot write the image (is the folder writable and the disk not full?)");
    }
  }
  std::cerr << "wrote " << o.count << " style digits (" << table.size() << " styles) to " << o.out_dir << '\n';
  return 0;
}

}  // namespace digits::train
