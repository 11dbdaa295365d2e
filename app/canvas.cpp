// Strokes, undo history, resizing and loading a sample digit.
#include "canvas.h"

#include <algorithm>
#include <cmath>

#include "digits/brush.h"

namespace app {
namespace {
constexpr std::size_t kUndoLevels = 50;
constexpr int kSampleScale = 10;  // a 28x28 sample becomes 280x280 canvas pixels
constexpr int kSampleSide = 28 * kSampleScale;
// MNIST centres a 20x20 digit in 28x28: 4 of the 28 columns on each side are margin.
constexpr int kSampleMargin = 4 * kSampleScale;
constexpr int kSampleGap = 30;  // between the drawing and a sample put right of it

// `pixels` (old_width x height) cut or padded to new_width, anchored left.
std::vector<float> rewidth(const std::vector<float>& pixels, int old_width, int new_width, int height) {
  std::vector<float> out(static_cast<std::size_t>(new_width) * height, 0.0f);
  const int keep = std::min(old_width, new_width);
  for (int y = 0; y < height; ++y) {
    std::copy_n(pixels.begin() + static_cast<std::ptrdiff_t>(y) * old_width, keep,
                out.begin() + static_cast<std::ptrdiff_t>(y) * new_width);
  }
  return out;
}
}  // namespace

Canvas::Canvas(int width)
    : width_(std::clamp(width, kMinWidth, kMaxWidth)), pixels_(static_cast<std::size_t>(width_) * kHeight, 0.0f) {}

void Canvas::resize(int width) {
  width = std::clamp(width, kMinWidth, kMaxWidth);
  if (width == width_) return;
  pixels_ = rewidth(pixels_, width_, width, kHeight);
  for (std::vector<float>& h : history_) {
    if (!h.empty()) h = rewidth(h, width_, width, kHeight);
    h.reserve(pixels_.size());
  }
  width_ = width;
  drawing_ = false;
  ++version_;
}

void Canvas::snapshot() {
  if (history_.empty()) {
    history_.resize(kUndoLevels);
    for (std::vector<float>& h : history_) h.reserve(pixels_.size());
  }
  history_[undo_next_].assign(pixels_.begin(), pixels_.end());  // over the oldest when full
  undo_next_ = (undo_next_ + 1) % kUndoLevels;
  undo_count_ = std::min(undo_count_ + 1, kUndoLevels);
}

void Canvas::begin_stroke(float x, float y, float radius, bool erase) {
  snapshot();
  drawing_ = true;
  erase_ = erase;
  radius_ = radius;
  last_x_ = x;
  last_y_ = y;
  stamp_segment(x, y, x, y);
}

void Canvas::continue_stroke(float x, float y) {
  if (!drawing_) return;
  stamp_segment(last_x_, last_y_, x, y);
  last_x_ = x;
  last_y_ = y;
}

void Canvas::end_stroke() { drawing_ = false; }

void Canvas::stamp_segment(float x0, float y0, float x1, float y1) {
  if (digits::paint_segment(pixels_.data(), width_, kHeight, x0, y0, x1, y1, radius_, erase_)) ++version_;
}

void Canvas::clear() {
  if (std::all_of(pixels_.begin(), pixels_.end(), [](float v) { return v == 0.0f; })) return;
  snapshot();
  std::fill(pixels_.begin(), pixels_.end(), 0.0f);
  ++version_;
}

bool Canvas::undo() {
  if (undo_count_ == 0) return false;
  undo_next_ = (undo_next_ + kUndoLevels - 1) % kUndoLevels;
  --undo_count_;
  pixels_.swap(history_[undo_next_]);  // the slot keeps the discarded drawing's buffer
  drawing_ = false;
  ++version_;
  return true;
}

int Canvas::ink_right() const {
  for (int x = width_ - 1; x >= 0; --x) {
    for (int y = 0; y < kHeight; ++y) {
      if (pixels_[static_cast<std::size_t>(y) * width_ + x] > 0.1f) return x + 1;
    }
  }
  return 0;
}

void Canvas::load_digit(const std::uint8_t* pixels28) {
  snapshot();
  const int right = ink_right();
  // The sample's own margin overlaps the gap, so only its ink must fit.
  int left = right + kSampleGap - kSampleMargin;
  if (right == 0 || left + kSampleSide - kSampleMargin > width_) {
    std::fill(pixels_.begin(), pixels_.end(), 0.0f);
    left = (width_ - kSampleSide) / 2;
  }
  constexpr int kSmall = 28;
  constexpr float kScale = 1.0f / kSampleScale;
  for (int y = 0; y < kSampleSide; ++y) {
    for (int x = std::max(0, -left); x < kSampleSide && left + x < width_; ++x) {
      // Bilinear sample of the small image at this pixel's centre.
      const float sx = (x + 0.5f) * kScale - 0.5f, sy = (y + 0.5f) * kScale - 0.5f;
      const int x0 = static_cast<int>(std::floor(sx)), y0 = static_cast<int>(std::floor(sy));
      const float fx = sx - x0, fy = sy - y0;
      auto at = [&](int xx, int yy) {
        xx = std::clamp(xx, 0, kSmall - 1);
        yy = std::clamp(yy, 0, kSmall - 1);
        return pixels28[yy * kSmall + xx] / 255.0f;
      };
      const float v = (1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x0 + 1, y0)) +
                      fy * ((1 - fx) * at(x0, y0 + 1) + fx * at(x0 + 1, y0 + 1));
      float& p = pixels_[static_cast<std::size_t>(y) * width_ + left + x];
      p = std::max(p, v);  // the sample's black margin must not erase the drawing next to it
    }
  }
  ++version_;
}

}  // namespace app
