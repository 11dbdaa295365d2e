// The drawing surface: a grayscale image (white ink on black), 280 pixels
// tall and as wide as the layout's drawing area is in proportion (wide enough
// to write a number), painted with a round anti-aliased brush. Each stroke is
// a chain of capsules between consecutive input positions, so fast strokes
// have no gaps. Whole-canvas snapshots taken at the start of each stroke give
// undo; their buffers are reserved together at the first one and reused, so
// an action allocates nothing. (A 627 KB allocation per stroke or R key
// moved the next reading's own buffers onto fresh pages of the page's
// memory: in headless Chromium that reading took 1.9 ms instead of 0.7.)
#pragma once

#include <cstdint>
#include <vector>

namespace app {

class Canvas {
 public:
  // 10x MNIST's 28: a digit written the full height is drawn at ten times
  // MNIST's scale, whatever the width.
  static constexpr int kHeight = 280;
  static constexpr int kMinWidth = 280, kMaxWidth = 840;

  explicit Canvas(int width = 2 * kHeight);

  int width() const { return width_; }
  int height() const { return kHeight; }
  // A new width (clamped to [kMinWidth, kMaxWidth]) for a drawing area of
  // another shape: the drawing and its undo history keep their place from the
  // left edge; ink beyond a narrower edge is cut off.
  void resize(int width);

  void begin_stroke(float x, float y, float radius, bool erase);  // canvas pixels
  void continue_stroke(float x, float y);
  void end_stroke();
  bool drawing() const { return drawing_; }

  void clear();
  bool undo();
  bool can_undo() const { return undo_count_ > 0; }
  // Puts a 28x28 byte image scaled 10x right of the drawing if it fits there,
  // so samples can be lined up into a number; otherwise it replaces the
  // drawing, centred (undoable either way).
  void load_digit(const std::uint8_t* pixels28);

  const std::vector<float>& pixels() const { return pixels_; }
  // Bumped on every change; lets the app re-predict only when needed.
  std::uint64_t version() const { return version_; }

 private:
  void snapshot();
  void stamp_segment(float x0, float y0, float x1, float y1);
  int ink_right() const;  // one past the rightmost column with ink; 0 when empty

  int width_;
  std::vector<float> pixels_;
  // A ring of snapshot buffers (each width_ x kHeight once used): the newest
  // undo_count_ of them, ending just before slot undo_next_, are the history.
  std::vector<std::vector<float>> history_;
  std::size_t undo_next_ = 0, undo_count_ = 0;
  std::uint64_t version_ = 0;
  bool drawing_ = false, erase_ = false;
  float radius_ = 10, last_x_ = 0, last_y_ = 0;
};

}  // namespace app
