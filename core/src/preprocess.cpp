// MNIST-style normalisation of a drawn digit.
#include "digits/preprocess.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "digits/error.h"

namespace digits {
namespace {

constexpr int kDigitBox = 20;  // MNIST fits each digit in 20x20 before centring

}  // namespace

bool light_background(const float* px, int w, int h) {
  double sum = 0;
  int n = 0;
  for (int x = 0; x < w; ++x) {
    sum += px[x] + px[(h - 1) * w + x];
    n += 2;
  }
  for (int y = 0; y < h; ++y) {
    sum += px[y * w] + px[y * w + w - 1];
    n += 2;
  }
  return sum / n > 0.5;
}

namespace {

// Area-averaging resample of `n_in` samples (stride `stride`) to `n_out`:
// each output averages the input interval it covers, with partial pixels weighted.
void resample_line(const float* in, int n_in, int stride, float* out, int n_out, int out_stride) {
  const double step = static_cast<double>(n_in) / n_out;
  for (int o = 0; o < n_out; ++o) {
    const double a = o * step, b = (o + 1) * step;
    double sum = 0;
    for (int i = static_cast<int>(a); i < n_in && i < b; ++i) {
      const double cover = std::min<double>(b, i + 1) - std::max<double>(a, i);
      if (cover > 0) sum += cover * in[i * stride];
    }
    out[o * out_stride] = static_cast<float>(sum / step);
  }
}

// Intensity-weighted centre (x, y) of a w x h image; its middle when it is blank.
std::array<float, 2> mass_centre(const float* image, int w, int h) {
  double mass = 0, mx = 0, my = 0;
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const double v = image[y * w + x];
      mass += v;
      mx += v * x;
      my += v * y;
    }
  }
  if (mass <= 0) return {(w - 1) / 2.0f, (h - 1) / 2.0f};
  return {static_cast<float>(mx / mass), static_cast<float>(my / mass)};
}

// A fine pen on a large drawing leaves strokes a fraction of a pixel wide
// once scaled to 20 px: faint lines unlike MNIST's 2-3 px strokes. When the
// stroke width (2 x area / perimeter of the ink, an underestimate on a pixel
// grid) would come out under kThinStroke, the ink is dilated (a separable
// max filter) to about kMinStroke; the box grows by the radius on every side.
constexpr double kThinStroke = 1.0, kMinStroke = 1.5;

void thicken_thin_strokes(std::vector<float>& crop, Box& box) {
  long area = 0, perimeter = 0;
  auto at = [&](int x, int y) {
    return x >= 0 && y >= 0 && x < box.width && y < box.height && crop[y * box.width + x] > 0.5f;
  };
  for (int y = 0; y < box.height; ++y) {
    for (int x = 0; x < box.width; ++x) {
      if (!at(x, y)) continue;
      ++area;
      perimeter += !at(x - 1, y) + !at(x + 1, y) + !at(x, y - 1) + !at(x, y + 1);
    }
  }
  if (area == 0 || perimeter == 0) return;
  const double scale = static_cast<double>(kDigitBox) / std::max(box.width, box.height);
  const double stroke = 2.0 * area / perimeter;
  if (stroke * scale >= kThinStroke) return;
  const int r = static_cast<int>(std::ceil((kMinStroke / scale - stroke) / 2));
  const int w = box.width + 2 * r, h = box.height + 2 * r;
  std::vector<float> padded(static_cast<std::size_t>(w) * h, 0.0f), rows(padded.size(), 0.0f);
  for (int y = 0; y < box.height; ++y)
    std::copy(&crop[y * box.width], &crop[y * box.width] + box.width, &padded[(y + r) * w + r]);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      float m = 0;
      for (int k = std::max(0, x - r); k <= std::min(w - 1, x + r); ++k) m = std::max(m, padded[y * w + k]);
      rows[y * w + x] = m;
    }
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      float m = 0;
      for (int k = std::max(0, y - r); k <= std::min(h - 1, y + r); ++k) m = std::max(m, rows[k * w + x]);
      padded[y * w + x] = m;
    }
  crop = std::move(padded);
  box = {box.x - r, box.y - r, w, h};
}

}  // namespace

std::array<float, 2> centre_of_mass(const std::array<float, kImageSize>& image) {
  return mass_centre(image.data(), kImageSide, kImageSide);
}

Preprocessed preprocess(const float* pixels, int width, int height) {
  if (width <= 0 || height <= 0) throw Error("preprocess: empty canvas size");
  Preprocessed result;
  result.inverted = light_background(pixels, width, height);
  auto ink = [&](int x, int y) {
    const float v = pixels[y * width + x];
    return result.inverted ? 1.0f - v : v;
  };

  int x0 = width, y0 = height, x1 = -1, y1 = -1;
  long count = 0;
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      if (ink(x, y) > kInkThreshold) {
        x0 = std::min(x0, x);
        x1 = std::max(x1, x);
        y0 = std::min(y0, y);
        y1 = std::max(y1, y);
        ++count;
      }
    }
  }
  if (count == 0 || count < kMinInkFraction * width * height) return result;
  result.empty = false;
  result.ink = {x0, y0, x1 - x0 + 1, y1 - y0 + 1};

  const Box& b = result.ink;
  std::vector<float> crop(static_cast<std::size_t>(b.width) * b.height);
  float peak = 0;
  for (int y = 0; y < b.height; ++y) {
    for (int x = 0; x < b.width; ++x) {
      const float v = std::clamp(ink(b.x + x, b.y + y), 0.0f, 1.0f);
      crop[y * b.width + x] = v;
      peak = std::max(peak, v);
    }
  }

  thicken_thin_strokes(crop, result.ink);

  const int longer = std::max(b.width, b.height);
  const int w = std::max(1, static_cast<int>(std::lround(double(b.width) * kDigitBox / longer)));
  const int h = std::max(1, static_cast<int>(std::lround(double(b.height) * kDigitBox / longer)));
  std::vector<float> rows(static_cast<std::size_t>(w) * b.height), digit(static_cast<std::size_t>(w) * h);
  for (int y = 0; y < b.height; ++y) resample_line(&crop[y * b.width], b.width, 1, &rows[y * w], w, 1);
  for (int x = 0; x < w; ++x) resample_line(&rows[x], b.height, w, &digit[x], h, w);

  // Place the digit so its centre of mass lands on the image centre, keeping it inside.
  const auto [cx, cy] = mass_centre(digit.data(), w, h);
  const double centre = (kImageSide - 1) / 2.0;
  const int ox = std::clamp(static_cast<int>(std::lround(centre - cx)), 0, kImageSide - w);
  const int oy = std::clamp(static_cast<int>(std::lround(centre - cy)), 0, kImageSide - h);
  // The crop's w columns cover the box's b.width canvas pixels (likewise rows).
  const float sx = static_cast<float>(w) / b.width, sy = static_cast<float>(h) / b.height;
  result.placement = {sx, sy, static_cast<float>(ox), static_cast<float>(oy)};
  const float gain = peak > 0 ? 1.0f / peak : 1.0f;
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      result.image[(oy + y) * kImageSide + ox + x] = std::min(1.0f, digit[y * w + x] * gain);
    }
  }
  return result;
}

Preprocessed preprocess(const std::uint8_t* pixels, int width, int height) {
  if (width <= 0 || height <= 0) throw Error("preprocess: empty canvas size");
  std::vector<float> unit(static_cast<std::size_t>(width) * height);
  for (std::size_t i = 0; i < unit.size(); ++i) unit[i] = pixels[i] / 255.0f;
  return preprocess(unit.data(), width, height);
}

}  // namespace digits
