// Strokes, undo history and loading a sample digit.
#include "canvas.h"

#include <algorithm>
#include <cmath>

#include "digits/brush.h"

namespace app {
namespace {
constexpr std::size_t kUndoLevels = 50;
}

Canvas::Canvas() : pixels_(kSide * kSide, 0.0f) {}

void Canvas::snapshot() {
  history_.push_back(pixels_);
  if (history_.size() > kUndoLevels) history_.pop_front();
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
  if (digits::paint_segment(pixels_.data(), kSide, kSide, x0, y0, x1, y1, radius_, erase_)) ++version_;
}

void Canvas::clear() {
  if (std::all_of(pixels_.begin(), pixels_.end(), [](float v) { return v == 0.0f; })) return;
  snapshot();
  std::fill(pixels_.begin(), pixels_.end(), 0.0f);
  ++version_;
}

bool Canvas::undo() {
  if (history_.empty()) return false;
  pixels_ = std::move(history_.back());
  history_.pop_back();
  drawing_ = false;
  ++version_;
  return true;
}

void Canvas::load_digit(const std::uint8_t* pixels28) {
  snapshot();
  constexpr int kSmall = 28;
  constexpr float kScale = static_cast<float>(kSmall) / kSide;
  for (int y = 0; y < kSide; ++y) {
    for (int x = 0; x < kSide; ++x) {
      // Bilinear sample of the small image at this pixel's centre.
      const float sx = (x + 0.5f) * kScale - 0.5f, sy = (y + 0.5f) * kScale - 0.5f;
      const int x0 = static_cast<int>(std::floor(sx)), y0 = static_cast<int>(std::floor(sy));
      const float fx = sx - x0, fy = sy - y0;
      auto at = [&](int xx, int yy) {
        xx = std::clamp(xx, 0, kSmall - 1);
        yy = std::clamp(yy, 0, kSmall - 1);
        return pixels28[yy * kSmall + xx] / 255.0f;
      };
      pixels_[y * kSide + x] = (1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x0 + 1, y0)) +
                               fy * ((1 - fx) * at(x0, y0 + 1) + fx * at(x0 + 1, y0 + 1));
    }
  }
  ++version_;
}

}  // namespace app
