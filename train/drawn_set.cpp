// Rendering of the drawn-digit evaluation set.
#include "drawn_set.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <random>
#include <vector>

#include "digits/brush.h"
#include "digits/error.h"
#include "digits/idx.h"
#include "digits/model.h"

#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>

namespace digits::train {
namespace {

constexpr int kCanvas = 280;
using Point = std::array<float, 2>;
using Stroke = std::vector<Point>;
using Glyph = std::vector<Stroke>;

Stroke curve(float cx, float cy, float rx, float ry, float from, float to, int n) {
  Stroke s;
  for (int i = 0; i <= n; ++i) {
    const float a = from + (to - from) * i / n;
    s.push_back({cx + rx * std::cos(a), cy + ry * std::sin(a)});
  }
  return s;
}

Stroke eight() {
  Stroke s;
  for (int i = 0; i <= 64; ++i) {
    const float t = 6.2831853f * i / 64;
    s.push_back({0.5f + 0.22f * std::sin(2 * t), 0.5f - 0.42f * std::cos(t)});
  }
  return s;
}

// Stroke paths in a unit box, one or two ways of writing each digit.
const std::vector<std::vector<Glyph>>& glyphs() {
  static const std::vector<std::vector<Glyph>> g = {
      {{curve(0.5f, 0.5f, 0.28f, 0.42f, -1.6f, 4.8f, 48)}},
      {{{{0.5f, 0.1f}, {0.5f, 0.9f}}}, {{{0.33f, 0.27f}, {0.52f, 0.1f}, {0.52f, 0.9f}}}},
      {{{{0.2f, 0.3f}, {0.35f, 0.12f}, {0.6f, 0.1f}, {0.78f, 0.25f}, {0.75f, 0.45f}, {0.2f, 0.9f}, {0.82f, 0.9f}}}},
      {{{{0.2f, 0.15f},
         {0.5f, 0.08f},
         {0.75f, 0.2f},
         {0.72f, 0.38f},
         {0.45f, 0.48f},
         {0.75f, 0.6f},
         {0.78f, 0.8f},
         {0.5f, 0.92f},
         {0.2f, 0.85f}}}},
      {{{{0.65f, 0.9f}, {0.65f, 0.1f}, {0.15f, 0.65f}, {0.85f, 0.65f}}},
       {{{0.25f, 0.1f}, {0.2f, 0.55f}, {0.8f, 0.55f}}, {{0.65f, 0.3f}, {0.65f, 0.9f}}}},
      {{{{0.75f, 0.1f},
         {0.3f, 0.1f},
         {0.25f, 0.45f},
         {0.55f, 0.4f},
         {0.78f, 0.55f},
         {0.75f, 0.8f},
         {0.5f, 0.92f},
         {0.22f, 0.85f}}}},
      {{{{0.7f, 0.1f},
         {0.4f, 0.3f},
         {0.25f, 0.6f},
         {0.3f, 0.85f},
         {0.5f, 0.92f},
         {0.72f, 0.8f},
         {0.72f, 0.6f},
         {0.5f, 0.5f},
         {0.28f, 0.6f}}}},
      {{{{0.2f, 0.12f}, {0.8f, 0.12f}, {0.45f, 0.9f}}},
       {{{0.2f, 0.12f}, {0.8f, 0.12f}, {0.45f, 0.9f}}, {{0.35f, 0.5f}, {0.72f, 0.5f}}}},
      {{eight()}},
      {{{{0.72f, 0.35f},
         {0.5f, 0.48f},
         {0.3f, 0.38f},
         {0.32f, 0.15f},
         {0.55f, 0.08f},
         {0.72f, 0.2f},
         {0.72f, 0.5f},
         {0.68f, 0.9f}}}},
  };
  return g;
}

void render_glyph(const Glyph& glyph, std::mt19937& rng, std::vector<float>& canvas) {
  std::uniform_real_distribution<float> u(-1.0f, 1.0f), p(0.0f, 1.0f);
  const float angle = u(rng) * 0.18f, shear = u(rng) * 0.2f;
  const float height = 90 + p(rng) * 150, width = height * (0.75f + 0.35f * p(rng));
  const float radius = 5 + p(rng) * 11;
  const float cx = kCanvas / 2.0f + u(rng) * (kCanvas - width) / 2 * 0.8f;
  const float cy = kCanvas / 2.0f + u(rng) * (kCanvas - height) / 2 * 0.8f;
  const float ca = std::cos(angle), sa = std::sin(angle);
  auto place = [&](Point q) {
    const float x = (q[0] - 0.5f + u(rng) * 0.02f) * width, y = (q[1] - 0.5f + u(rng) * 0.02f) * height;
    const float xs = x + shear * y;
    return Point{cx + ca * xs - sa * y, cy + sa * xs + ca * y};
  };
  for (const Stroke& s : glyph) {
    Point prev = place(s[0]);
    for (std::size_t i = 1; i < s.size(); ++i) {
      const Point next = place(s[i]);
      paint_segment(canvas.data(), kCanvas, kCanvas, prev[0], prev[1], next[0], next[1], radius, false);
      prev = next;
    }
  }
}

// An MNIST digit as a canvas user would leave it: hard-edged, scaled up,
// strokes made thicker or thinner, anywhere on the canvas.
void redraw_mnist(const std::uint8_t* digit, std::mt19937& rng, std::vector<float>& canvas) {
  std::uniform_real_distribution<float> p(0.0f, 1.0f);
  const float scale = (90 + p(rng) * 150) / 20.0f;  // MNIST digits are ~20 px tall
  const float side = 28 * scale;
  const float ox = p(rng) * std::max(0.0f, kCanvas - side * 0.8f) - side * 0.1f;
  const float oy = p(rng) * std::max(0.0f, kCanvas - side * 0.8f) - side * 0.1f;
  // Threshold below/above 0.5 thickens/thins the binarised stroke.
  const float threshold = 0.2f + 0.5f * p(rng);
  for (int y = 0; y < kCanvas; ++y) {
    for (int x = 0; x < kCanvas; ++x) {
      const float sx = (x + 0.5f - ox) / scale - 0.5f, sy = (y + 0.5f - oy) / scale - 0.5f;
      const int x0 = static_cast<int>(std::floor(sx)), y0 = static_cast<int>(std::floor(sy));
      const float fx = sx - x0, fy = sy - y0;
      auto at = [&](int xx, int yy) {
        return (xx < 0 || yy < 0 || xx >= 28 || yy >= 28) ? 0.0f : digit[yy * 28 + xx] / 255.0f;
      };
      const float v = (1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x0 + 1, y0)) +
                      fy * ((1 - fx) * at(x0, y0 + 1) + fx * at(x0 + 1, y0 + 1));
      canvas[y * kCanvas + x] = v > threshold ? 1.0f : 0.0f;
    }
  }
}

// Encoded in memory and written through write_file_atomically, so an
// interrupted run never leaves a half-written image in the set.
void write_png(const std::string& path, const std::vector<float>& canvas) {
  std::vector<std::uint8_t> bytes(canvas.size());
  for (std::size_t i = 0; i < canvas.size(); ++i) bytes[i] = static_cast<std::uint8_t>(std::lround(255 * canvas[i]));
  std::string png;
  const auto append = [](void* out, void* data, int size) {
    static_cast<std::string*>(out)->append(static_cast<const char*>(data), static_cast<std::size_t>(size));
  };
  if (stbi_write_png_to_func(append, &png, kCanvas, kCanvas, 1, bytes.data(), kCanvas) == 0) {
    throw Error(path + ": cannot encode the PNG");
  }
  write_file_atomically(path, png);
}

}  // namespace

void draw_stroke_digit(int label, std::mt19937& rng, std::vector<float>& canvas) {
  const auto& variants = glyphs()[label];
  render_glyph(variants[rng() % variants.size()], rng, canvas);
}

void draw_mnist_digit(const std::uint8_t* digit, std::mt19937& rng, std::vector<float>& canvas) {
  redraw_mnist(digit, rng, canvas);
}

int write_drawn_set(const DrawnSetOptions& o) {
  const Dataset test = load_mnist(o.data_dir, "t10k");
  std::filesystem::create_directories(o.out_dir);
  std::mt19937 rng(o.seed);
  std::vector<float> canvas(kCanvas * kCanvas);
  for (int i = 0; i < o.count; ++i) {
    std::fill(canvas.begin(), canvas.end(), 0.0f);
    int label = 0;
    const bool mnist = i % 2 == 0;
    if (mnist) {
      const int index = static_cast<int>(rng() % static_cast<unsigned>(test.images.count));
      label = test.labels[index];
      redraw_mnist(test.images.image(index), rng, canvas);
    } else {
      label = (i / 2) % 10;
      const auto& variants = glyphs()[label];
      render_glyph(variants[rng() % variants.size()], rng, canvas);
    }
    char name[64];
    std::snprintf(name, sizeof name, "%05d_%s_%d.png", i, mnist ? "mnist" : "strokes", label);
    write_png(o.out_dir + "/" + name, canvas);
  }
  std::cerr << "wrote " << o.count << " drawn digits to " << o.out_dir << '\n';
  return 0;
}

}  // namespace digits::train
