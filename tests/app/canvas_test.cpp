// The drawing canvas's undo history: a ring of reused snapshot buffers.
#include "canvas.h"

#include <catch2/catch.hpp>
#include <vector>

namespace {

// Stroke i: a short vertical line of its own column.
void draw_stroke(app::Canvas& c, int i) {
  const float x = 6.0f + 9.0f * static_cast<float>(i % 60);
  c.begin_stroke(x, 20.0f + static_cast<float>(i / 60) * 40, 3.0f, false);
  c.continue_stroke(x, 50.0f + static_cast<float>(i / 60) * 40);
  c.end_stroke();
}

}  // namespace

TEST_CASE("undo walks back through the last 50 actions, in order, and no further", "[canvas]") {
  app::Canvas canvas(560);
  std::vector<std::vector<float>> before;  // the canvas before each stroke
  for (int i = 0; i < 64; ++i) {
    before.push_back(canvas.pixels());
    draw_stroke(canvas, i);
  }
  for (int i = 63; i >= 14; --i) {
    REQUIRE(canvas.can_undo());
    REQUIRE(canvas.undo());
    REQUIRE(canvas.pixels() == before[static_cast<std::size_t>(i)]);
  }
  CHECK_FALSE(canvas.can_undo());
  CHECK_FALSE(canvas.undo());
  CHECK(canvas.pixels() == before[14]);  // the 50 levels are spent: the first 14 strokes stay
}

TEST_CASE("undo after clear, and new actions after undo, reuse the history", "[canvas]") {
  app::Canvas canvas(560);
  draw_stroke(canvas, 0);
  const std::vector<float> one = canvas.pixels();
  canvas.clear();
  CHECK(canvas.pixels() != one);
  REQUIRE(canvas.undo());
  CHECK(canvas.pixels() == one);

  // Undo twice, then draw: the new stroke's snapshot takes the freed slot.
  draw_stroke(canvas, 1);
  const std::vector<float> two = canvas.pixels();
  draw_stroke(canvas, 2);
  REQUIRE(canvas.undo());
  CHECK(canvas.pixels() == two);
  REQUIRE(canvas.undo());
  CHECK(canvas.pixels() == one);
  draw_stroke(canvas, 3);
  REQUIRE(canvas.undo());
  CHECK(canvas.pixels() == one);
  REQUIRE(canvas.undo());  // the stroke drawn first
  CHECK_FALSE(canvas.undo());
}

TEST_CASE("a resized canvas keeps its undo history in place", "[canvas]") {
  app::Canvas canvas(560);
  draw_stroke(canvas, 0);
  const std::vector<float> one = canvas.pixels();
  draw_stroke(canvas, 1);
  canvas.resize(700);
  REQUIRE(canvas.width() == 700);
  REQUIRE(canvas.undo());
  REQUIRE(canvas.pixels().size() == static_cast<std::size_t>(700 * app::Canvas::kHeight));
  for (int y = 0; y < app::Canvas::kHeight; ++y) {
    for (int x = 0; x < 700; ++x) {
      const float expected = x < 560 ? one[static_cast<std::size_t>(y) * 560 + x] : 0.0f;
      REQUIRE(canvas.pixels()[static_cast<std::size_t>(y) * 700 + x] == expected);
    }
  }
}
