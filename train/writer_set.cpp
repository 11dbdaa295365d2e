// The writers and the files of a writer set.
#include "writer_set.h"

#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <vector>

#include "digits/architecture.h"
#include "digits/brush.h"
#include "digits/error.h"

#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>

namespace digits::train {
namespace {

constexpr int kCanvas = 280;
constexpr float kPi = 3.14159265f;
using Point = std::array<float, 2>;
using Stroke = std::vector<Point>;
using Glyph = std::vector<Stroke>;  // in a unit box, x to the right, y down

Stroke arc(float cx, float cy, float rx, float ry, float from, float to, int n = 24) {
  Stroke s;
  for (int i = 0; i <= n; ++i) {
    const float a = from + (to - from) * static_cast<float>(i) / static_cast<float>(n);
    s.push_back({cx + rx * std::cos(a), cy + ry * std::sin(a)});
  }
  return s;
}

Stroke join(Stroke a, const Stroke& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

Glyph mirrored(Glyph g) {
  for (Stroke& s : g)
    for (Point& p : s) p[0] = 1 - p[0];
  return g;
}

// Everyday forms, close to what MNIST holds; writers replace some of them.
std::array<Glyph, kClasses> common_forms() {
  return {{
      {arc(0.5f, 0.5f, 0.3f, 0.45f, -1.6f, 4.75f, 40)},
      {{{0.35f, 0.22f}, {0.55f, 0.05f}, {0.55f, 0.95f}}},
      {{{0.2f, 0.3f}, {0.35f, 0.1f}, {0.6f, 0.07f}, {0.78f, 0.22f}, {0.75f, 0.45f}, {0.2f, 0.92f}, {0.85f, 0.92f}}},
      {join(arc(0.48f, 0.28f, 0.28f, 0.21f, -2.8f, 1.6f, 16), arc(0.48f, 0.72f, 0.32f, 0.23f, -1.6f, 2.8f, 16))},
      {{{0.6f, 0.95f}, {0.6f, 0.05f}, {0.12f, 0.65f}, {0.88f, 0.65f}}},
      {{{0.78f, 0.08f}, {0.3f, 0.08f}, {0.25f, 0.45f}}, arc(0.48f, 0.68f, 0.3f, 0.25f, -2.5f, 2.6f, 20)},
      {join({{0.7f, 0.05f}, {0.45f, 0.25f}}, arc(0.5f, 0.7f, 0.26f, 0.25f, 3.4f, 3.4f + 2 * kPi, 30))},
      {{{0.15f, 0.1f}, {0.85f, 0.1f}, {0.4f, 0.95f}}},
      {join(arc(0.5f, 0.27f, 0.22f, 0.22f, 1.57f, 1.57f + 2 * kPi, 24),
            arc(0.5f, 0.71f, 0.28f, 0.24f, -1.57f, -1.57f + 2 * kPi, 24))},
      {join(arc(0.5f, 0.3f, 0.26f, 0.25f, 0.0f, 2 * kPi, 24), {{0.76f, 0.3f}, {0.7f, 0.95f}})},
  }};
}

// A seven-segment digit from its lit segments (a b c d e f g, as on a display).
Glyph segments(const char* lit) {
  const Point tl{0.15f, 0.05f}, tr{0.85f, 0.05f}, ml{0.15f, 0.5f}, mr{0.85f, 0.5f}, bl{0.15f, 0.95f}, br{0.85f, 0.95f};
  const std::array<std::array<Point, 2>, 7> seg = {
      {{tl, tr}, {tr, mr}, {mr, br}, {bl, br}, {ml, bl}, {tl, ml}, {ml, mr}}};
  Glyph g;
  for (const char* c = lit; *c; ++c) g.push_back({seg[*c - 'a'][0], seg[*c - 'a'][1]});
  return g;
}

struct Writer {
  std::string description;
  std::array<Glyph, kClasses> forms;
  float slant = 0.0f;  // x += slant * (y - 0.5): positive leans the top to the left
  float aspect = 0.7f;
  float radius = 10.0f;
};

std::vector<Writer> make_writers() {
  std::vector<Writer> w;
  {
    // Mirror writing, as many children do: 2 3 4 5 6 7 9 reversed.
    Writer m{"mirror: 2 3 4 5 6 7 9 written reversed", common_forms()};
    for (int d : {2, 3, 4, 5, 6, 7, 9}) m.forms[d] = mirrored(m.forms[d]);
    w.push_back(m);
  }
  {
    // A digital-display hand: every digit built from straight segments.
    Writer s{"seven-segment: digits drawn as on a digital display", {}};
    const char* lit[kClasses] = {"abcdef", "bc",     "abged", "abgcd",   "fgbc",
                                 "afgcd",  "afedcg", "abc",   "abcdefg", "gfabcd"};
    for (int d = 0; d < kClasses; ++d) s.forms[d] = segments(lit[d]);
    s.forms[1] = {{{0.7f, 0.05f}, {0.7f, 0.95f}}};
    s.aspect = 0.6f;
    w.push_back(s);
  }
  {
    Writer c{
        "continental: 1 with a long flag and a base, crossed 7, open 4 with a tall stem, 9 with a straight tail, "
        "slashed 0",
        common_forms()};
    c.forms[0].push_back({{0.85f, 0.1f}, {0.15f, 0.9f}});
    c.forms[1] = {{{0.15f, 0.45f}, {0.6f, 0.05f}, {0.6f, 0.95f}}, {{0.3f, 0.95f}, {0.9f, 0.95f}}};
    c.forms[4] = {{{0.25f, 0.15f}, {0.15f, 0.6f}, {0.9f, 0.6f}}, {{0.65f, 0.0f}, {0.65f, 1.0f}}};
    c.forms[7] = {{{0.15f, 0.25f}, {0.2f, 0.1f}, {0.85f, 0.1f}, {0.4f, 0.95f}}, {{0.3f, 0.55f}, {0.8f, 0.55f}}};
    c.forms[9] = {join(arc(0.5f, 0.28f, 0.28f, 0.23f, 0.0f, 2 * kPi, 24), {{0.78f, 0.28f}, {0.3f, 0.98f}})};
    w.push_back(c);
  }
  {
    Writer s{"left slant: a strong backward lean, narrow digits", common_forms()};
    s.slant = 0.75f;
    s.aspect = 0.5f;
    w.push_back(s);
  }
  return w;
}

const std::vector<Writer>& writers() {
  static const std::vector<Writer> w = make_writers();
  return w;
}

// One sample of a writer's digit: the writer's form with this sample's size,
// place, angle, pen width and wobble. Returns the strokes in canvas pixels.
std::vector<Stroke> place(const Writer& w, int label, std::mt19937& rng, float& radius) {
  std::uniform_real_distribution<float> u(-1.0f, 1.0f), p(0.0f, 1.0f);
  const float height = 120 + p(rng) * 100, width = height * w.aspect * (0.9f + 0.2f * p(rng));
  const float angle = u(rng) * 0.08f, slant = w.slant + u(rng) * 0.08f;
  radius = w.radius * (0.8f + 0.4f * p(rng));
  const float cx = kCanvas / 2.0f + u(rng) * 20, cy = kCanvas / 2.0f + u(rng) * 15;
  const float ca = std::cos(angle), sa = std::sin(angle);
  std::vector<Stroke> out;
  for (const Stroke& s : w.forms[label]) {
    Stroke placed;
    for (const Point& q : s) {
      const float y = (q[1] - 0.5f + u(rng) * 0.015f) * height;
      const float x = (q[0] - 0.5f + u(rng) * 0.015f) * width + slant * y;
      placed.push_back({cx + ca * x - sa * y, cy + sa * x + ca * y});
    }
    out.push_back(placed);
  }
  return out;
}

void write_png(const std::string& path, const std::vector<float>& canvas) {
  std::vector<std::uint8_t> bytes(canvas.size());
  for (std::size_t i = 0; i < canvas.size(); ++i) bytes[i] = static_cast<std::uint8_t>(std::lround(255 * canvas[i]));
  if (stbi_write_png(path.c_str(), kCanvas, kCanvas, 1, bytes.data(), kCanvas) == 0) {
    throw Error(path + ": cannot write");
  }
}

}  // namespace

int writer_count() { return static_cast<int>(writers().size()); }

std::string writer_description(int writer) {
  if (writer < 0 || writer >= writer_count()) {
    throw Error("writer " + std::to_string(writer) + " does not exist (0 to " + std::to_string(writer_count() - 1) +
                ")");
  }
  return writers()[writer].description;
}

int write_writer_set(const WriterSetOptions& o) {
  writer_description(o.writer);  // checks the index
  const Writer& w = writers()[o.writer];
  namespace fs = std::filesystem;
  fs::create_directories(o.out_dir + "/teach");
  fs::create_directories(o.out_dir + "/test");
  std::mt19937 rng(o.seed * 1000 + static_cast<std::uint32_t>(o.writer));
  std::vector<float> canvas(kCanvas * kCanvas);
  // Strokes as JSON, for the browser test to draw with the mouse.
  std::ofstream json(o.out_dir + "/strokes.json");
  json << "{\"writer\":" << o.writer << ",\"canvas\":" << kCanvas << ",\"samples\":[";
  int index = 0;
  for (const char* part : {"teach", "test"}) {
    const int per_class = std::string(part) == "teach" ? o.teach_per_class : o.test_per_class;
    for (int k = 0; k < per_class; ++k) {
      for (int label = 0; label < kClasses; ++label, ++index) {
        float radius = 0;
        const std::vector<Stroke> strokes = place(w, label, rng, radius);
        std::fill(canvas.begin(), canvas.end(), 0.0f);
        json << (index ? "," : "") << "{\"set\":\"" << part << "\",\"label\":" << label << ",\"radius\":" << radius
             << ",\"strokes\":[";
        for (std::size_t s = 0; s < strokes.size(); ++s) {
          json << (s ? "," : "") << '[';
          for (std::size_t i = 0; i < strokes[s].size(); ++i) {
            const Point& q = strokes[s][i];
            json << (i ? "," : "") << '[' << std::lround(q[0] * 10) / 10.0 << ',' << std::lround(q[1] * 10) / 10.0
                 << ']';
            if (i > 0) {
              const Point& a = strokes[s][i - 1];
              paint_segment(canvas.data(), kCanvas, kCanvas, a[0], a[1], q[0], q[1], radius, false);
            }
          }
          json << ']';
        }
        json << "]}";
        char name[64];
        std::snprintf(name, sizeof name, "/%s/%04d_%d.png", part, index, label);
        write_png(o.out_dir + name, canvas);
      }
    }
  }
  json << "]}\n";
  if (!json) throw Error(o.out_dir + "/strokes.json: cannot write");
  std::cerr << "wrote writer " << o.writer << " (" << w.description << "): " << 10 * o.teach_per_class
            << " digits to teach and " << 10 * o.test_per_class << " to test in " << o.out_dir << '\n';
  return 0;
}

}  // namespace digits::train
