// Preprocessing: invariance to where and how large a digit is drawn, centring
// by mass, inverted input, and empty canvases.
#include "digits/preprocess.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <vector>

using namespace digits;

namespace {

// A "7" drawn as thick strokes into a side x side canvas: the stroke path is
// given in unit coordinates and mapped to the box (x, y, size).
std::vector<float> draw_seven(int side, float x, float y, float size, float thickness, bool light = false) {
  std::vector<float> c(static_cast<std::size_t>(side) * side, light ? 1.0f : 0.0f);
  const float path[][2] = {{0.2f, 0.1f}, {0.8f, 0.1f}, {0.45f, 0.9f}};
  for (int s = 0; s < 2; ++s) {
    const float x0 = x + path[s][0] * size, y0 = y + path[s][1] * size;
    const float x1 = x + path[s + 1][0] * size, y1 = y + path[s + 1][1] * size;
    for (int py = 0; py < side; ++py) {
      for (int px = 0; px < side; ++px) {
        const float dx = x1 - x0, dy = y1 - y0;
        const float t = std::clamp(((px - x0) * dx + (py - y0) * dy) / (dx * dx + dy * dy), 0.0f, 1.0f);
        const float d = std::hypot(px - x0 - t * dx, py - y0 - t * dy);
        if (d <= thickness / 2) c[py * side + px] = light ? 0.0f : 1.0f;
      }
    }
  }
  return c;
}

double difference(const Preprocessed& a, const Preprocessed& b) {
  double sum = 0;
  for (int i = 0; i < kImageSize; ++i) sum += std::abs(a.image[i] - b.image[i]);
  return sum / kImageSize;
}

}  // namespace

TEST_CASE("a digit drawn small in a corner and large in the centre preprocess alike", "[core][preprocess]") {
  const auto small = preprocess(draw_seven(400, 10, 10, 80, 6).data(), 400, 400);
  const auto large = preprocess(draw_seven(400, 50, 50, 300, 22.5f).data(), 400, 400);
  REQUIRE_FALSE(small.empty);
  REQUIRE_FALSE(large.empty);
  CHECK(difference(small, large) < 0.03);
  // An unrelated shape differs by much more: the comparison has teeth.
  std::vector<float> bar(400 * 400, 0.0f);
  for (int y = 100; y < 300; ++y)
    for (int x = 190; x < 210; ++x) bar[y * 400 + x] = 1.0f;
  CHECK(difference(preprocess(bar.data(), 400, 400), large) > 0.06);
}

TEST_CASE("the digit fits 20x20 and its centre of mass lands at the centre", "[core][preprocess]") {
  const auto p = preprocess(draw_seven(300, 180, 20, 100, 10).data(), 300, 300);
  REQUIRE_FALSE(p.empty);
  const auto com = centre_of_mass(p.image);
  CHECK(std::abs(com[0] - 13.5f) <= 1.0f);
  CHECK(std::abs(com[1] - 13.5f) <= 1.0f);
  int x0 = 28, x1 = -1, y0 = 28, y1 = -1;
  for (int y = 0; y < 28; ++y)
    for (int x = 0; x < 28; ++x)
      if (p.image[y * 28 + x] > 0.05f) {
        x0 = std::min(x0, x), x1 = std::max(x1, x), y0 = std::min(y0, y), y1 = std::max(y1, y);
      }
  CHECK(std::max(x1 - x0 + 1, y1 - y0 + 1) <= 21);
  CHECK(std::max(x1 - x0 + 1, y1 - y0 + 1) >= 19);
  CHECK(p.ink.x >= 180);
  CHECK(p.ink.y >= 20);
}

TEST_CASE("dark ink on a light background is inverted", "[core][preprocess]") {
  const auto dark = preprocess(draw_seven(200, 40, 40, 120, 12).data(), 200, 200);
  const auto light = preprocess(draw_seven(200, 40, 40, 120, 12, true).data(), 200, 200);
  CHECK_FALSE(dark.inverted);
  CHECK(light.inverted);
  CHECK(difference(dark, light) < 1e-6);
}

TEST_CASE("an empty or nearly empty canvas is reported, not predicted", "[core][preprocess]") {
  std::vector<float> blank(280 * 280, 0.0f);
  CHECK(preprocess(blank.data(), 280, 280).empty);
  blank[140 * 280 + 140] = 1.0f;  // one stray pixel
  CHECK(preprocess(blank.data(), 280, 280).empty);
  std::vector<std::uint8_t> white(50 * 50, 255);
  CHECK(preprocess(white.data(), 50, 50).empty);
}

TEST_CASE("the ink's extent is every pixel above the threshold, at any width and either polarity",
          "[core][preprocess]") {
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> u(-0.2f, 1.2f);
  for (int width : {1, 3, 4, 5, 17, 64, 283}) {
    for (bool inverted : {false, true}) {
      const int height = 1 + width % 13;
      std::vector<float> c(static_cast<std::size_t>(width) * height, inverted ? 1.0f : 0.0f);
      for (int k = 0; k < width * height / 7 + 1; ++k) c[rng() % c.size()] = u(rng);
      long count = 0;
      int x0 = width, y0 = height, x1 = -1, y1 = -1;
      for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x) {
          const float v = c[y * width + x];
          if ((inverted ? 1.0f - v : v) <= kInkThreshold) continue;
          ++count;
          x0 = std::min(x0, x), x1 = std::max(x1, x), y0 = std::min(y0, y), y1 = std::max(y1, y);
        }
      const InkExtent e = ink_extent(c.data(), width, height, inverted);
      INFO("width " << width << (inverted ? ", inverted" : ""));
      CHECK(e.count == count);
      if (count == 0) {
        CHECK(e.box.width == 0);
        continue;
      }
      CHECK(e.box.x == x0);
      CHECK(e.box.y == y0);
      CHECK(e.box.width == x1 - x0 + 1);
      CHECK(e.box.height == y1 - y0 + 1);
    }
  }
}

TEST_CASE("an MNIST-sized input passes through nearly unchanged", "[core][preprocess]") {
  const auto a = preprocess(draw_seven(28, 4, 4, 20, 2.5f).data(), 28, 28);
  REQUIRE_FALSE(a.empty);
  CHECK(a.ink.width <= 20);
}

TEST_CASE("a fine pen on a large drawing gives strokes as wide as a normal pen's", "[core][preprocess]") {
  auto mass = [](const Preprocessed& p) {
    double m = 0;
    for (float v : p.image) m += v;
    return m;
  };
  const auto normal = preprocess(draw_seven(400, 50, 50, 300, 22.5f).data(), 400, 400);
  const auto fine = preprocess(draw_seven(400, 50, 50, 300, 2.0f).data(), 400, 400);
  REQUIRE_FALSE(fine.empty);
  // Scaled to 20 px, a 2 px line would be 0.13 px wide: thickened, it keeps
  // most of a normal digit's ink, and still looks like the same seven.
  CHECK(mass(fine) > 0.5 * mass(normal));
  CHECK(difference(fine, normal) < 0.1);
  // A normal pen is left as it is: the box is the ink's.
  CHECK(normal.ink.width < 300);
}
