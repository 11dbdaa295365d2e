// Capsule rasterisation with a one-pixel soft edge.
#include "digits/brush.h"

#include <algorithm>
#include <cmath>

namespace digits {

bool paint_segment(float* pixels, int width, int height, float x0, float y0, float x1, float y1, float radius,
                   bool erase) {
  const float r = radius;
  const int xa = std::max(0, static_cast<int>(std::floor(std::min(x0, x1) - r - 1)));
  const int xb = std::min(width - 1, static_cast<int>(std::ceil(std::max(x0, x1) + r + 1)));
  const int ya = std::max(0, static_cast<int>(std::floor(std::min(y0, y1) - r - 1)));
  const int yb = std::min(height - 1, static_cast<int>(std::ceil(std::max(y0, y1) + r + 1)));
  const float dx = x1 - x0, dy = y1 - y0, len2 = dx * dx + dy * dy;
  bool changed = false;
  for (int y = ya; y <= yb; ++y) {
    for (int x = xa; x <= xb; ++x) {
      const float px = x + 0.5f - x0, py = y + 0.5f - y0;
      const float t = len2 > 0 ? std::clamp((px * dx + py * dy) / len2, 0.0f, 1.0f) : 0.0f;
      const float ex = px - t * dx, ey = py - t * dy;
      const float cover = std::clamp(r + 0.5f - std::sqrt(ex * ex + ey * ey), 0.0f, 1.0f);
      if (cover <= 0) continue;
      float& v = pixels[y * width + x];
      const float next = erase ? std::min(v, 1.0f - cover) : std::max(v, cover);
      changed |= next != v;
      v = next;
    }
  }
  return changed;
}

}  // namespace digits
