// The training side's world styles and negatives draw what they claim:
// measured on the rendered pixels, not taken on trust.
#include "styles.h"

#include <catch2/catch.hpp>
#include <numeric>
#include <set>

#include "negatives.h"

using namespace digits;
using namespace digits::train;

namespace {

const Dataset& mnist() {
  static const Dataset d = load_mnist(DIGITS_SOURCE_DIR "/.deps/mnist", "train");
  return d;
}

const StyleSource& source() {
  static const StyleSource s = [] {
    std::vector<int> all(static_cast<std::size_t>(mnist().images.count));
    std::iota(all.begin(), all.end(), 0);
    return make_style_source(mnist(), all);
  }();
  return s;
}

int style_index(int label, const std::string& name) {
  const auto& names = style_names(label);
  const auto it = std::find(names.begin(), names.end(), name);
  REQUIRE(it != names.end());
  return static_cast<int>(it - names.begin());
}

struct Ink {
  int x0 = 1 << 30, y0 = 1 << 30, x1 = -1, y1 = -1, count = 0;
};

Ink ink(const Canvas& c) {
  Ink k;
  for (int y = 0; y < c.height; ++y)
    for (int x = 0; x < c.width; ++x)
      if (c.pixels[y * c.width + x] > 0.5f) {
        k.x0 = std::min(k.x0, x), k.x1 = std::max(k.x1, x), k.y0 = std::min(k.y0, y), k.y1 = std::max(k.y1, y);
        ++k.count;
      }
  return k;
}

bool inked(const Canvas& c, int x, int y, int r) {
  for (int dy = -r; dy <= r; ++dy)
    for (int dx = -r; dx <= r; ++dx) {
      const int xx = x + dx, yy = y + dy;
      if (xx >= 0 && yy >= 0 && xx < c.width && yy < c.height && c.pixels[yy * c.width + xx] > 0.5f) return true;
    }
  return false;
}

// Draws `count` samples of a style and counts how many satisfy `claim`.
template <class Claim>
int satisfied(int label, const std::string& style, int count, Claim claim) {
  std::mt19937 rng(42);
  int ok = 0;
  for (int i = 0; i < count; ++i) {
    Canvas c(160, 160);
    draw_style(label, style_index(label, style), rng, source(), c);
    ok += claim(c, ink(c));
  }
  return ok;
}

}  // namespace

TEST_CASE("a slashed zero has ink through the centre of its ring; a plain one does not", "[styles]") {
  // Within an eighth of the ring's width of its centre (rings overshoot, pens differ).
  auto centre = [](const Canvas& c, const Ink& k) {
    return inked(c, (k.x0 + k.x1) / 2, (k.y0 + k.y1) / 2, std::max(1, (k.x1 - k.x0) / 8));
  };
  for (const char* style : {"slashed-zero", "mnist-slashed-zero", "dotted-zero", "mnist-dotted-zero"}) {
    INFO(style);
    CHECK(satisfied(0, style, 40, centre) >= 36);
  }
  CHECK(satisfied(0, "zero", 40, centre) <= 8);  // thick pens may fill a small ring
}

TEST_CASE("a crossed seven has a horizontal stroke across its stem below the top bar", "[styles]") {
  // A row in the lower 35-70% of the digit whose ink spans a good part of its width.
  auto crossbar = [](const Canvas& c, const Ink& k) {
    const int h = k.y1 - k.y0, w = k.x1 - k.x0;
    for (int y = k.y0 + h * 35 / 100; y <= k.y0 + h * 70 / 100; ++y) {
      int run = 0, best = 0;
      for (int x = k.x0; x <= k.x1; ++x) {
        run = c.pixels[y * c.width + x] > 0.5f ? run + 1 : 0;
        best = std::max(best, run);
      }
      if (best > w * 0.35) return true;
    }
    return false;
  };
  CHECK(satisfied(7, "crossed-seven", 40, crossbar) >= 34);
  CHECK(satisfied(7, "mnist-crossed-seven", 40, crossbar) >= 34);
  CHECK(satisfied(7, "plain-seven", 40, crossbar) <= 10);
}

TEST_CASE("a continental one has a long flag: ink far left of the stem in its upper half", "[styles]") {
  // The leftmost ink of the upper half lies well left of the stem's top.
  auto flag = [](const Canvas& c, const Ink& k) {
    const int h = k.y1 - k.y0;
    double foot = 0, n = 0;
    for (int y = k.y0; y <= k.y0 + h / 20; ++y)
      for (int x = k.x0; x <= k.x1; ++x)
        if (c.pixels[y * c.width + x] > 0.5f) foot += x, ++n;
    foot /= std::max(1.0, n);
    int left = k.x1;
    for (int y = k.y0; y <= k.y0 + h / 2; ++y)
      for (int x = k.x0; x <= k.x1; ++x)
        if (c.pixels[y * c.width + x] > 0.5f) left = std::min(left, x);
    return left < foot - 0.14 * h;
  };
  CHECK(satisfied(1, "continental-one", 40, flag) >= 34);
  CHECK(satisfied(1, "mnist-flag-one", 40, flag) >= 34);
  CHECK(satisfied(1, "plain-one", 40, flag) <= 12);
}

TEST_CASE("the pens run from thin to thick and the sizes from tiny to large", "[styles]") {
  std::mt19937 rng(3);
  float thinnest = 1e9f, thickest = 0, smallest = 1e9f, largest = 0;
  for (int i = 0; i < 300; ++i) {
    const PenStyle p = random_pen(rng, Canvas(160, 160));
    thinnest = std::min(thinnest, p.radius / p.height);
    thickest = std::max(thickest, p.radius / p.height);
    smallest = std::min(smallest, p.height);
    largest = std::max(largest, p.height);
  }
  CHECK(thinnest < 0.02f);
  CHECK(thickest > 0.08f);
  CHECK(smallest < 30.0f);
  CHECK(largest > 120.0f);
}

TEST_CASE("the same seed draws the same style digit and the same negative", "[styles][negatives]") {
  std::array<float, kImageSize> a, b;
  std::mt19937 r1(9), r2(9);
  REQUIRE(style_input(4, r1, source(), a.data()));
  REQUIRE(style_input(4, r2, source(), b.data()));
  CHECK(a == b);
  const NegativeSource negatives(NegativeSplit::Train, "");
  std::mt19937 r3(5), r4(5);
  REQUIRE(negatives.input(r3, a.data()));
  REQUIRE(negatives.input(r4, b.data()));
  CHECK(a == b);
}

TEST_CASE("negatives leave out what reads as a digit, and the two splits use different fonts", "[negatives]") {
  for (char c : std::string("0123456789OoQlIiJjZzSsBbgqGaCcUu|/()$&")) {
    INFO(c);
    CHECK(negative_characters().find(c) == std::string::npos);
  }
  const NegativeSource train(NegativeSplit::Train, ""), test(NegativeSplit::Test, "");
  CHECK(train.font_count() >= 10);
  CHECK(test.font_count() >= 5);
  // Every kind shows up, and what is drawn has ink.
  std::mt19937 rng(1);
  std::set<std::string> kinds;
  int inked_count = 0;
  for (int i = 0; i < 300; ++i) {
    Canvas c(160, 160);
    kinds.insert(test.draw(rng, c));
    inked_count += ink(c).count > 20;
  }
  CHECK(kinds.count("letter") == 1);
  CHECK(kinds.count("symbol") == 1);
  CHECK(kinds.count("scribble") == 1);
  CHECK(kinds.count("shape") == 1);
  CHECK(kinds.count("crossed-out") == 1);
  CHECK(inked_count >= 295);
}
