// Affine warp with bilinear sampling, then grey-level dilation or erosion.
#include "augment.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace digits::train {
namespace {

constexpr int N = kImageSide;

float sample(const float* img, float x, float y) {
  const int x0 = static_cast<int>(std::floor(x)), y0 = static_cast<int>(std::floor(y));
  const float fx = x - x0, fy = y - y0;
  auto at = [&](int xx, int yy) { return (xx < 0 || yy < 0 || xx >= N || yy >= N) ? 0.0f : img[yy * N + xx]; };
  return (1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x0 + 1, y0)) +
         fy * ((1 - fx) * at(x0, y0 + 1) + fx * at(x0 + 1, y0 + 1));
}

// Morphology over the 4-neighbourhood: `thicken` takes the max, else the min;
// blending by `strength` gives sub-pixel changes in stroke width.
void morph(float* img, bool thicken, float strength) {
  std::array<float, kImageSize> src;
  std::copy(img, img + kImageSize, src.begin());
  for (int y = 0; y < N; ++y) {
    for (int x = 0; x < N; ++x) {
      float v = src[y * N + x];
      const int dx[4] = {1, -1, 0, 0}, dy[4] = {0, 0, 1, -1};
      for (int k = 0; k < 4; ++k) {
        const int xx = x + dx[k], yy = y + dy[k];
        const float n = (xx < 0 || yy < 0 || xx >= N || yy >= N) ? 0.0f : src[yy * N + xx];
        v = thicken ? std::max(v, n) : std::min(v, n);
      }
      img[y * N + x] = src[y * N + x] + strength * (v - src[y * N + x]);
    }
  }
}

}  // namespace

void augment(const float* in, float* out, std::mt19937& rng, const AugmentConfig& c) {
  std::uniform_real_distribution<float> u(-1.0f, 1.0f), p(0.0f, 1.0f);
  const float angle = u(rng) * c.max_rotation_degrees * 3.14159265f / 180.0f;
  const float scale = 1.0f + u(rng) * c.max_scale;
  const float aspect = 1.0f + u(rng) * c.max_scale * 0.5f;
  const float shear = u(rng) * c.max_shear;
  const float tx = u(rng) * c.max_shift, ty = u(rng) * c.max_shift;
  const float thickness = p(rng);
  const float strength = 0.4f + 0.6f * p(rng);

  // Forward map A = R * Shear * S; sample the source at A^-1 (p - centre - t) + centre.
  const float sx = scale * aspect, sy = scale / aspect;
  const float ca = std::cos(angle), sa = std::sin(angle);
  const float a00 = ca * sx, a01 = (ca * shear - sa) * sy, a10 = sa * sx, a11 = (sa * shear + ca) * sy;
  const float det = a00 * a11 - a01 * a10;
  const float i00 = a11 / det, i01 = -a01 / det, i10 = -a10 / det, i11 = a00 / det;
  const float centre = (N - 1) / 2.0f;
  for (int y = 0; y < N; ++y) {
    for (int x = 0; x < N; ++x) {
      const float px = x - centre - tx, py = y - centre - ty;
      out[y * N + x] = sample(in, i00 * px + i01 * py + centre, i10 * px + i11 * py + centre);
    }
  }
  if (thickness < c.thicken_probability) {
    morph(out, true, strength);
  } else if (thickness < c.thicken_probability + c.thin_probability) {
    morph(out, false, strength * 0.5f);
  }
}

}  // namespace digits::train
