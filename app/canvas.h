// The drawing surface: a square grayscale image (white ink on black) painted
// with a round anti-aliased brush. Each stroke is a chain of capsules between
// consecutive input positions, so fast strokes have no gaps. Whole-canvas
// snapshots taken at the start of each stroke give undo.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

namespace app {

class Canvas {
 public:
  static constexpr int kSide = 280;  // 10x MNIST's 28

  Canvas();

  void begin_stroke(float x, float y, float radius, bool erase);  // canvas pixels
  void continue_stroke(float x, float y);
  void end_stroke();
  bool drawing() const { return drawing_; }

  void clear();
  bool undo();
  bool can_undo() const { return !history_.empty(); }
  // Replaces the content with a 28x28 byte image scaled up (undoable).
  void load_digit(const std::uint8_t* pixels28);

  const std::vector<float>& pixels() const { return pixels_; }
  // Bumped on every change; lets the app re-predict only when needed.
  std::uint64_t version() const { return version_; }

 private:
  void snapshot();
  void stamp_segment(float x0, float y0, float x1, float y1);

  std::vector<float> pixels_;
  std::deque<std::vector<float>> history_;
  std::uint64_t version_ = 0;
  bool drawing_ = false, erase_ = false;
  float radius_ = 10, last_x_ = 0, last_y_ = 0;
};

}  // namespace app
