// Stroke models and MNIST edits of the world's digit forms.
//
// [SECTION] Drawing strokes
// [SECTION] Stroke models, class by class
// [SECTION] Edits of MNIST digits
// [SECTION] Public entry points
#include "styles.h"

#include <algorithm>
#include <cmath>

#include "digits/brush.h"
#include "digits/preprocess.h"

namespace digits::train {
namespace {

constexpr float kPi = 3.14159265f;

float uniform(std::mt19937& rng, float a, float b) { return std::uniform_real_distribution<float>(a, b)(rng); }
bool chance(std::mt19937& rng, float p) { return uniform(rng, 0.0f, 1.0f) < p; }

// [SECTION] Drawing strokes

// Catmull-Rom through the control points, so a few points make a smooth pen path.
Stroke smooth(const Stroke& s) {
  if (s.size() < 3) return s;
  Stroke out;
  for (std::size_t i = 0; i + 1 < s.size(); ++i) {
    const Point p0 = s[i == 0 ? 0 : i - 1], p1 = s[i], p2 = s[i + 1], p3 = s[std::min(i + 2, s.size() - 1)];
    for (int k = 0; k < 8; ++k) {
      const float t = k / 8.0f, t2 = t * t, t3 = t2 * t;
      Point q;
      for (int d = 0; d < 2; ++d) {
        q[d] = 0.5f * (2 * p1[d] + (-p0[d] + p2[d]) * t + (2 * p0[d] - 5 * p1[d] + 4 * p2[d] - p3[d]) * t2 +
                       (-p0[d] + 3 * p1[d] - 3 * p2[d] + p3[d]) * t3);
      }
      out.push_back(q);
    }
  }
  out.push_back(s.back());
  return out;
}

Stroke arc(float cx, float cy, float rx, float ry, float from, float sweep, int n) {
  Stroke s;
  for (int i = 0; i <= n; ++i) {
    const float a = from + sweep * i / n;
    s.push_back({cx + rx * std::cos(a), cy + ry * std::sin(a)});
  }
  return s;
}

}  // namespace

PenStyle random_pen(std::mt19937& rng, const Canvas& canvas) {
  PenStyle p;
  const float side = static_cast<float>(std::min(canvas.width, canvas.height));
  // Sizes from tiny to filling the canvas; pens from a fine liner to a marker.
  p.height = side * std::exp(uniform(rng, std::log(0.12f), std::log(0.9f)));
  const float relative = std::exp(uniform(rng, std::log(0.012f), std::log(0.11f)));
  p.radius = std::max(0.8f, p.height * relative);
  p.slant = uniform(rng, -0.35f, 0.35f);
  p.rotation = uniform(rng, -0.15f, 0.15f);
  p.aspect = uniform(rng, 0.5f, 0.95f);
  p.jitter = uniform(rng, 0.0f, 0.035f);
  const float w = p.height * p.aspect;
  p.cx = canvas.width / 2.0f + uniform(rng, -1, 1) * std::max(0.0f, canvas.width - w - 2 * p.radius) / 2;
  p.cy = canvas.height / 2.0f + uniform(rng, -1, 1) * std::max(0.0f, canvas.height - p.height - 2 * p.radius) / 2;
  return p;
}

void draw_strokes(const std::vector<Stroke>& strokes, const PenStyle& pen, std::mt19937& rng, Canvas& canvas,
                  bool smooth_paths) {
  std::normal_distribution<float> jitter(0.0f, pen.jitter);
  const float ca = std::cos(pen.rotation), sa = std::sin(pen.rotation);
  const float w = pen.height * pen.aspect;
  auto place = [&](Point q) {
    const float x = (q[0] - 0.5f + pen.slant * (0.5f - q[1])) * w, y = (q[1] - 0.5f) * pen.height;
    return Point{pen.cx + ca * x - sa * y, pen.cy + sa * x + ca * y};
  };
  for (const Stroke& raw : strokes) {
    Stroke s = raw;
    for (Point& q : s) {
      q[0] += jitter(rng);
      q[1] += jitter(rng);
    }
    const Stroke path = smooth_paths ? smooth(s) : s;
    Point prev = place(path[0]);
    for (std::size_t i = 1; i < path.size(); ++i) {
      const Point next = place(path[i]);
      paint_segment(canvas.pixels.data(), canvas.width, canvas.height, prev[0], prev[1], next[0], next[1], pen.radius,
                    false);
      prev = next;
    }
    if (path.size() == 1) {
      paint_segment(canvas.pixels.data(), canvas.width, canvas.height, prev[0], prev[1], prev[0], prev[1], pen.radius,
                    false);
    }
  }
}

namespace {

// [SECTION] Stroke models, class by class
// Each returns the strokes of one written form in a unit box (x right, y down),
// in the order a pen draws them.

std::vector<Stroke> zero(std::mt19937& rng, int variant) {
  // Started near the top, drawn either way round; the end falls short (an
  // open loop, up to about a fifth of the ring left open) or runs past the
  // start (an overshoot).
  const float start = -kPi / 2 + uniform(rng, -0.6f, 0.6f);
  const float direction = chance(rng, 0.7f) ? -1.0f : 1.0f;
  const float sweep = direction * (2 * kPi + uniform(rng, -1.25f, 0.8f));
  std::vector<Stroke> s = {arc(0.5f, 0.5f, 0.34f, 0.45f, start, sweep, 16)};
  if (variant == 1) {  // slashed: lower left to upper right, usually beyond the ring
    const float over = uniform(rng, -0.05f, 0.15f);
    if (chance(rng, 0.8f)) {
      s.push_back({{0.22f - over, 0.9f + over}, {0.78f + over, 0.1f - over}});
    } else {
      s.push_back({{0.22f - over, 0.1f - over}, {0.78f + over, 0.9f + over}});
    }
  } else if (variant == 2) {  // dotted
    s.push_back({{0.5f + uniform(rng, -0.05f, 0.05f), 0.5f + uniform(rng, -0.06f, 0.06f)}});
  }
  return s;
}

std::vector<Stroke> one(std::mt19937& rng, int variant) {
  const float top_x = uniform(rng, 0.5f, 0.62f);
  if (variant == 0) return {{{top_x, 0.05f}, {top_x - uniform(rng, 0.0f, 0.08f), 0.95f}}};
  // Continental: a long up-stroke to the top, then the stem down.
  const float flag = uniform(rng, 0.25f, 0.55f);
  std::vector<Stroke> s = {{{top_x - flag * uniform(rng, 0.6f, 0.9f), 0.05f + flag * uniform(rng, 0.5f, 0.9f)},
                            {top_x, 0.05f},
                            {top_x - 0.02f, 0.95f}}};
  if (variant == 2) {  // with a base serif
    const float half = uniform(rng, 0.15f, 0.3f);
    s.push_back({{top_x - 0.02f - half, 0.95f}, {top_x - 0.02f + half, 0.95f}});
  }
  return s;
}

std::vector<Stroke> two(std::mt19937& rng, int variant) {
  const float base_y = uniform(rng, 0.88f, 0.95f);
  if (variant == 1) {  // a small loop where the diagonal meets the base
    return {{{0.2f, 0.3f},
             {0.33f, 0.1f},
             {0.56f, 0.06f},
             {0.76f, 0.18f},
             {0.74f, 0.38f},
             {0.5f, 0.62f},
             {0.3f, 0.8f},
             {0.2f, 0.9f},
             {0.16f, 0.8f},
             {0.28f, 0.72f},
             {0.38f, 0.84f},
             {0.46f, base_y},
             {0.84f, base_y}}};
  }
  return {{{0.2f, 0.25f}, {0.4f, 0.07f}, {0.68f, 0.1f}, {0.76f, 0.3f}, {0.2f, base_y}, {0.84f, base_y}}};
}

std::vector<Stroke> three(std::mt19937& rng, int variant) {
  if (variant == 1) {  // flat top: a bar, a diagonal to the middle, one bowl
    return {{{0.18f, 0.08f},
             {0.8f, 0.08f},
             {0.42f + uniform(rng, -0.05f, 0.05f), 0.42f},
             {0.7f, 0.5f},
             {0.8f, 0.7f},
             {0.62f, 0.9f},
             {0.38f, 0.93f},
             {0.18f, 0.82f}}};
  }
  return {{{0.2f, 0.15f},
           {0.5f, 0.05f},
           {0.75f, 0.2f},
           {0.7f, 0.38f},
           {0.45f, 0.47f},
           {0.72f, 0.58f},
           {0.78f, 0.8f},
           {0.5f, 0.94f},
           {0.2f, 0.84f}}};
}

std::vector<Stroke> four(std::mt19937& rng, int variant) {
  const float bar = uniform(rng, 0.55f, 0.7f), stem = uniform(rng, 0.6f, 0.72f);
  if (variant == 0) {  // closed: one stroke down the stem, up, across
    return {{{0.18f, bar}, {stem, 0.05f}, {stem, 0.95f}}, {{0.12f, bar}, {0.88f, bar}}};
  }
  // Open: an L, then a separate stem whose top may rise above the L's.
  const float top = variant == 1 ? uniform(rng, 0.05f, 0.3f) : 0.05f;
  return {{{0.3f, 0.05f}, {0.18f, bar}, {0.88f, bar}}, {{stem, top}, {stem, 0.95f}}};
}

std::vector<Stroke> five(std::mt19937& rng, int) {
  const float flag_end = uniform(rng, 0.65f, 0.85f);
  return {{{0.3f, 0.08f}, {0.26f, 0.45f}, {0.52f, 0.38f}, {0.78f, 0.55f}, {0.76f, 0.8f}, {0.5f, 0.93f}, {0.2f, 0.84f}},
          {{0.3f, 0.08f}, {flag_end, 0.08f}}};
}

std::vector<Stroke> six(std::mt19937& rng, int variant) {
  // The loop's end stops short of the stem (open) or runs into it.
  const float end = variant == 1 ? uniform(rng, 0.36f, 0.45f) : uniform(rng, 0.22f, 0.3f);
  return {{{0.72f, 0.06f},
           {0.45f, 0.25f},
           {0.27f, 0.55f},
           {0.3f, 0.85f},
           {0.52f, 0.94f},
           {0.74f, 0.8f},
           {0.72f, 0.58f},
           {0.5f, 0.5f},
           {end, 0.6f}}};
}

std::vector<Stroke> seven(std::mt19937& rng, int variant) {
  const float foot = uniform(rng, 0.3f, 0.5f);
  std::vector<Stroke> s = {{{0.18f, 0.1f}, {0.82f, 0.1f}, {foot, 0.94f}}};
  if (variant == 1) {  // crossbar through the middle of the stem
    const float y = uniform(rng, 0.45f, 0.6f);
    const float x = 0.82f + (foot - 0.82f) * (y - 0.1f) / 0.84f;
    const float half = uniform(rng, 0.15f, 0.28f);
    s.push_back({{x - half, y}, {x + half, y}});
  } else if (variant == 2) {  // a hook down at the start of the top bar
    s[0].insert(s[0].begin(), {0.16f, 0.24f});
  }
  return s;
}

std::vector<Stroke> eight(std::mt19937& rng, int variant) {
  if (variant == 1) {  // two loops, one above the other, drawn separately
    const float waist = uniform(rng, 0.4f, 0.5f);
    return {
        arc(0.5f, waist / 2 + 0.03f, 0.24f, waist / 2, kPi / 2, 2 * kPi + uniform(rng, -0.4f, 0.3f), 14),
        arc(0.5f, (waist + 0.97f) / 2, 0.3f, (0.97f - waist) / 2, -kPi / 2, 2 * kPi + uniform(rng, -0.4f, 0.3f), 14)};
  }
  // One stroke: an S down, back up through the waist; the end may stay open.
  Stroke s;
  const float close = uniform(rng, 0.85f, 1.05f);
  for (int i = 0; i <= 32; ++i) {
    const float t = 2 * kPi * close * i / 32;
    s.push_back({0.5f + 0.25f * std::sin(2 * t), 0.5f - 0.44f * std::cos(t)});
  }
  return {s};
}

std::vector<Stroke> nine(std::mt19937& rng, int variant) {
  Stroke s = {{0.74f, 0.28f}, {0.52f, 0.45f}, {0.3f, 0.36f}, {0.32f, 0.13f}, {0.55f, 0.05f}, {0.74f, 0.18f}};
  if (variant == 0) {  // straight tail
    s.push_back({0.74f - uniform(rng, 0.0f, 0.2f), 0.95f});
  } else {  // curved tail hooking left
    s.insert(s.end(), {{0.74f, 0.5f}, {0.7f, 0.82f}, {0.5f, 0.95f}, {0.3f, 0.86f}});
  }
  return {s};
}

using Model = std::vector<Stroke> (*)(std::mt19937&, int);
struct ClassStyles {
  Model model;
  std::vector<std::string> names;  // stroke-model variants, then MNIST edits
  int edits = 0;                   // how many of the names are MNIST edits
};

const std::array<ClassStyles, kClasses>& classes() {
  static const std::array<ClassStyles, kClasses> c = {{
      {zero, {"zero", "slashed-zero", "dotted-zero", "mnist-slashed-zero", "mnist-dotted-zero"}, 2},
      {one, {"plain-one", "continental-one", "serif-one", "mnist-flag-one", "mnist-serif-one"}, 2},
      {two, {"plain-two", "looped-two"}, 0},
      {three, {"round-three", "flat-three"}, 0},
      {four, {"closed-four", "open-four", "open-four-tall"}, 0},
      {five, {"five"}, 0},
      {six, {"six", "open-six"}, 0},
      {seven, {"plain-seven", "crossed-seven", "hooked-seven", "mnist-crossed-seven"}, 1},
      {eight, {"eight", "two-loop-eight"}, 0},
      {nine, {"straight-nine", "curved-nine"}, 0},
  }};
  return c;
}

// [SECTION] Edits of MNIST digits

struct InkBox {
  float x0 = 1e9f, y0 = 1e9f, x1 = -1, y1 = -1;
  float width() const { return x1 - x0; }
  float height() const { return y1 - y0; }
};

InkBox ink_box(const Canvas& c) {
  InkBox b;
  for (int y = 0; y < c.height; ++y)
    for (int x = 0; x < c.width; ++x)
      if (c.pixels[y * c.width + x] > 0.5f) {
        b.x0 = std::min<float>(b.x0, x);
        b.x1 = std::max<float>(b.x1, x);
        b.y0 = std::min<float>(b.y0, y);
        b.y1 = std::max<float>(b.y1, y);
      }
  return b;
}

// Mean x of the ink in rows [y0, y1).
float ink_centre_x(const Canvas& c, int y0, int y1) {
  double sum = 0, n = 0;
  for (int y = std::max(0, y0); y < std::min(c.height, y1); ++y)
    for (int x = 0; x < c.width; ++x)
      if (c.pixels[y * c.width + x] > 0.5f) {
        sum += x;
        ++n;
      }
  return n > 0 ? static_cast<float>(sum / n) : c.width / 2.0f;
}

// Scales an MNIST digit up onto the canvas with a hard pen-like edge; returns
// the brush radius that matches its strokes.
float redraw_mnist(const std::uint8_t* digit, std::mt19937& rng, Canvas& c) {
  const float scale = std::min(c.width, c.height) * uniform(rng, 0.6f, 0.95f) / 28.0f;
  const float ox = (c.width - 28 * scale) / 2, oy = (c.height - 28 * scale) / 2;
  const float threshold = uniform(rng, 0.3f, 0.6f);
  for (int y = 0; y < c.height; ++y) {
    for (int x = 0; x < c.width; ++x) {
      const float sx = (x + 0.5f - ox) / scale - 0.5f, sy = (y + 0.5f - oy) / scale - 0.5f;
      const int x0 = static_cast<int>(std::floor(sx)), y0 = static_cast<int>(std::floor(sy));
      const float fx = sx - x0, fy = sy - y0;
      auto at = [&](int xx, int yy) {
        return (xx < 0 || yy < 0 || xx >= 28 || yy >= 28) ? 0.0f : digit[yy * 28 + xx] / 255.0f;
      };
      const float v = (1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x0 + 1, y0)) +
                      fy * ((1 - fx) * at(x0, y0 + 1) + fx * at(x0 + 1, y0 + 1));
      c.pixels[y * c.width + x] = std::clamp((v - threshold) * 4 + 0.5f, 0.0f, 1.0f);
    }
  }
  return scale * uniform(rng, 0.9f, 1.4f);
}

void line(Canvas& c, float x0, float y0, float x1, float y1, float r) {
  paint_segment(c.pixels.data(), c.width, c.height, x0, y0, x1, y1, r, false);
}

void edit_mnist(int label, int edit, std::mt19937& rng, const StyleSource& source, Canvas& c) {
  const auto& pool = source.by_class[label];
  const int index = pool[std::uniform_int_distribution<std::size_t>(0, pool.size() - 1)(rng)];
  const float r = redraw_mnist(source.mnist->images.image(index), rng, c);
  const InkBox b = ink_box(c);
  if (b.x1 < 0) return;
  const float w = b.width(), h = b.height();
  if (label == 0 && edit == 0) {  // a slash across the loop, often beyond it
    const float over = uniform(rng, -0.05f, 0.15f);
    line(c, b.x0 + w * (0.15f - over), b.y1 + h * (over - 0.05f), b.x1 - w * (0.15f - over), b.y0 - h * (over - 0.05f),
         r);
  } else if (label == 0) {  // a dot in the middle
    const float x = (b.x0 + b.x1) / 2 + uniform(rng, -0.05f, 0.05f) * w, y = (b.y0 + b.y1) / 2;
    line(c, x, y, x, y, r * uniform(rng, 1.0f, 1.6f));
  } else if (label == 1) {  // a long flag up to the top, and maybe a base
    const float top_x = ink_centre_x(c, static_cast<int>(b.y0), static_cast<int>(b.y0 + 3 * r));
    const float length = h * uniform(rng, 0.35f, 0.55f);
    const float angle = uniform(rng, 0.6f, 1.1f);  // from the vertical, towards the lower left
    line(c, top_x, b.y0 + r, top_x - length * std::sin(angle), b.y0 + r + length * std::cos(angle), r);
    if (edit == 1) {
      const float foot = ink_centre_x(c, static_cast<int>(b.y1 - 3 * r), static_cast<int>(b.y1));
      const float half = h * uniform(rng, 0.15f, 0.3f);
      line(c, foot - half, b.y1 - r, foot + half, b.y1 - r, r);
    }
  } else if (label == 7) {  // a crossbar through the stem at mid-height
    const float y = b.y0 + h * uniform(rng, 0.45f, 0.6f);
    const float x = ink_centre_x(c, static_cast<int>(y - r), static_cast<int>(y + r));
    const float half = std::max(w, h * 0.5f) * uniform(rng, 0.2f, 0.35f);
    line(c, x - half, y, x + half, y + uniform(rng, -0.05f, 0.05f) * h, r);
  }
}

}  // namespace

// [SECTION] Public entry points

StyleSource make_style_source(const Dataset& mnist, const std::vector<int>& train_indices) {
  StyleSource s;
  s.mnist = &mnist;
  for (int i : train_indices) s.by_class[mnist.labels[i]].push_back(i);
  return s;
}

const std::vector<std::string>& style_names(int label) { return classes()[label].names; }

void draw_style(int label, int style, std::mt19937& rng, const StyleSource& source, Canvas& canvas) {
  const ClassStyles& c = classes()[label];
  const int models = static_cast<int>(c.names.size()) - c.edits;
  if (style >= models) {
    edit_mnist(label, style - models, rng, source, canvas);
    return;
  }
  const PenStyle pen = random_pen(rng, canvas);
  draw_strokes(c.model(rng, style), pen, rng, canvas);
}

bool canvas_input(const Canvas& canvas, float* out) {
  const Preprocessed p = preprocess(canvas.pixels.data(), canvas.width, canvas.height);
  if (p.empty) return false;
  std::copy(p.image.begin(), p.image.end(), out);
  return true;
}

bool style_input(int label, std::mt19937& rng, const StyleSource& source, float* out) {
  Canvas canvas(160, 160);
  const int styles = static_cast<int>(style_names(label).size());
  draw_style(label, std::uniform_int_distribution<int>(0, styles - 1)(rng), rng, source, canvas);
  return canvas_input(canvas, out);
}

}  // namespace digits::train
