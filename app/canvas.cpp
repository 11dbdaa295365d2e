// Capsule rasterisation with a one-pixel soft edge.
#include "canvas.h"

#include <algorithm>
#include <cmath>

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
  const float r = radius_;
  const int xa = std::max(0, static_cast<int>(std::floor(std::min(x0, x1) - r - 1)));
  const int xb = std::min(kSide - 1, static_cast<int>(std::ceil(std::max(x0, x1) + r + 1)));
  const int ya = std::max(0, static_cast<int>(std::floor(std::min(y0, y1) - r - 1)));
  const int yb = std::min(kSide - 1, static_cast<int>(std::ceil(std::max(y0, y1) + r + 1)));
  const float dx = x1 - x0, dy = y1 - y0, len2 = dx * dx + dy * dy;
  bool changed = false;
  for (int y = ya; y <= yb; ++y) {
    for (int x = xa; x <= xb; ++x) {
      const float px = x + 0.5f - x0, py = y + 0.5f - y0;
      const float t = len2 > 0 ? std::clamp((px * dx + py * dy) / len2, 0.0f, 1.0f) : 0.0f;
      const float ex = px - t * dx, ey = py - t * dy;
      const float cover = std::clamp(r + 0.5f - std::sqrt(ex * ex + ey * ey), 0.0f, 1.0f);
      if (cover <= 0) continue;
      float& v = pixels_[y * kSide + x];
      const float next = erase_ ? std::min(v, 1.0f - cover) : std::max(v, cover);
      changed |= next != v;
      v = next;
    }
  }
  if (changed) ++version_;
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
