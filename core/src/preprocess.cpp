// MNIST-style normalisation of a drawn digit.
#include "digits/preprocess.h"

#include <algorithm>
#include <cmath>
#include <cstring>
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

// GCC/Clang vector extensions: SSE2 natively, SIMD128 in WebAssembly.
typedef float Vec4 __attribute__((vector_size(16)));
typedef int Mask4 __attribute__((vector_size(16)));

// Four pixels a step: which are ink (a lane of -1), ORed into the column's
// flags and subtracted from the row's count (a row with a count has ink).
template <bool kInverted>
InkExtent scan_ink(const float* pixels, int width, int height) {
  InkExtent r;
  std::vector<int> columns(static_cast<std::size_t>(width), 0);  // nonzero: the column has ink
  const Vec4 threshold = Vec4{} + kInkThreshold;
  int y0 = height, y1 = -1;
  for (int y = 0; y < height; ++y) {
    const float* row = pixels + static_cast<std::size_t>(y) * width;
    Mask4 count{};
    int x = 0;
    for (; x + 4 <= width; x += 4) {
      Vec4 v;
      Mask4 column;
      std::memcpy(&v, row + x, sizeof v);
      std::memcpy(&column, &columns[x], sizeof column);
      if (kInverted) v = 1.0f - v;
      const Mask4 ink = v > threshold;
      column |= ink;
      std::memcpy(&columns[x], &column, sizeof column);
      count -= ink;
    }
    long n = static_cast<long>(count[0]) + count[1] + count[2] + count[3];
    bool has = n > 0;
    for (; x < width; ++x) {
      if ((kInverted ? 1.0f - row[x] : row[x]) <= kInkThreshold) continue;
      columns[x] = 1;
      has = true;
      ++n;
    }
    if (!has) continue;
    y0 = std::min(y0, y);
    y1 = y;
    r.count += n;
  }
  if (y1 < 0) return r;
  int x0 = 0, x1 = width - 1;
  while (!columns[x0]) ++x0;
  while (!columns[x1]) --x1;
  r.box = {x0, y0, x1 - x0 + 1, y1 - y0 + 1};
  return r;
}

Vec4 select(Mask4 m, Vec4 a, Vec4 b) { return (Vec4)(((Mask4)a & m) | ((Mask4)b & ~m)); }

// copy_ink() for one polarity: std::clamp lane by lane, std::max for the peak.
template <bool kInverted>
float copy_ink_as(const float* pixels, int width, const Box& b, float* out, int out_stride) {
  const Vec4 zero{}, one = zero + 1.0f;
  Vec4 peaks{};
  float peak = 0;
  for (int y = 0; y < b.height; ++y) {
    const float* src = pixels + static_cast<std::size_t>(b.y + y) * width + b.x;
    float* dst = out + static_cast<std::size_t>(y) * out_stride;
    int x = 0;
    for (; x + 4 <= b.width; x += 4) {
      Vec4 v;
      std::memcpy(&v, src + x, sizeof v);
      if (kInverted) v = 1.0f - v;
      v = select(v < zero, zero, select(one < v, one, v));
      std::memcpy(dst + x, &v, sizeof v);
      peaks = select(peaks < v, v, peaks);
    }
    for (; x < b.width; ++x) {
      dst[x] = std::clamp(kInverted ? 1.0f - src[x] : src[x], 0.0f, 1.0f);
      peak = std::max(peak, dst[x]);
    }
  }
  for (int l = 0; l < 4; ++l) peak = std::max(peak, peaks[l]);
  return peak;
}

}  // namespace

float copy_ink(const float* pixels, int width, const Box& b, bool inverted, float* out, int out_stride) {
  return inverted ? copy_ink_as<true>(pixels, width, b, out, out_stride)
                  : copy_ink_as<false>(pixels, width, b, out, out_stride);
}

InkExtent ink_extent(const float* pixels, int width, int height, bool inverted) {
  if (width <= 0 || height <= 0) return {};
  return inverted ? scan_ink<true>(pixels, width, height) : scan_ink<false>(pixels, width, height);
}

namespace {

// Area averaging of `n_in` samples to `n_out`: each output averages the
// input interval it covers, with partial pixels weighted. The weights are the
// same for every row (or column) of an image, so they are made once.
struct AreaWeights {
  double step = 1;
  std::vector<int> begin;     // per output, and one past the last: its entries below
  std::vector<int> input;     // the inputs it covers, in order
  std::vector<double> cover;  // and how much of each
};

AreaWeights area_weights(int n_in, int n_out) {
  AreaWeights r;
  r.step = static_cast<double>(n_in) / n_out;
  for (int o = 0; o < n_out; ++o) {
    r.begin.push_back(static_cast<int>(r.input.size()));
    const double a = o * r.step, b = (o + 1) * r.step;
    for (int i = static_cast<int>(a); i < n_in && i < b; ++i) {
      const double cover = std::min<double>(b, i + 1) - std::max<double>(a, i);
      if (cover <= 0) continue;
      r.input.push_back(i);
      r.cover.push_back(cover);
    }
  }
  r.begin.push_back(static_cast<int>(r.input.size()));
  return r;
}

// One line (samples `stride` apart) resampled into `out` (`out_stride` apart).
void resample_line(const AreaWeights& wt, const float* in, int stride, float* out, int out_stride) {
  for (std::size_t o = 0; o + 1 < wt.begin.size(); ++o) {
    double sum = 0;
    for (int k = wt.begin[o]; k < wt.begin[o + 1]; ++k) sum += wt.cover[k] * in[wt.input[k] * stride];
    out[o * out_stride] = static_cast<float>(sum / wt.step);
  }
}

// Two lines (rows `in0` and `in1`) resampled at once, each lane summing in
// resample_line's order (the same doubles): into `out0` and `out1`.
void resample_line_pair(const AreaWeights& wt, const float* in0, const float* in1, float* out0, float* out1) {
  typedef double Vec2d __attribute__((vector_size(16)));
  for (std::size_t o = 0; o + 1 < wt.begin.size(); ++o) {
    Vec2d sum{};
    for (int k = wt.begin[o]; k < wt.begin[o + 1]; ++k) {
      const Vec2d v = {in0[wt.input[k]], in1[wt.input[k]]};
      sum += wt.cover[k] * v;
    }
    sum /= wt.step;
    out0[o] = static_cast<float>(sum[0]);
    out1[o] = static_cast<float>(sum[1]);
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

// The ink pixels (above 0.5) of a w x h image and their perimeter: the sides
// of an ink pixel not shared with another, 4 x area - 2 x (pairs of ink pixels
// side by side or one above the other), beyond the image all background.
// Four pixels a step, counted in lanes of -1 like scan_ink.
void ink_area_perimeter(const float* image, int w, int h, long& area, long& perimeter) {
  const Vec4 half = Vec4{} + 0.5f;
  Mask4 counts{}, pair_counts{};
  long pairs = 0;
  area = 0;
  for (int y = 0; y < h; ++y) {
    const float* row = image + static_cast<std::size_t>(y) * w;
    const float* above = y > 0 ? row - w : row;  // read only for y > 0
    int x = 0;
    for (; x + 5 <= w; x += 4) {  // the pixel right of the last lane is in the row
      Vec4 v, right;
      std::memcpy(&v, row + x, sizeof v);
      std::memcpy(&right, row + x + 1, sizeof right);
      const Mask4 ink = v > half;
      counts -= ink;
      pair_counts -= ink & (right > half);
      if (y > 0) {
        Vec4 up;
        std::memcpy(&up, above + x, sizeof up);
        pair_counts -= ink & (up > half);
      }
    }
    for (; x < w; ++x) {
      if (!(row[x] > 0.5f)) continue;
      ++area;
      pairs += (x + 1 < w && row[x + 1] > 0.5f) + (y > 0 && above[x] > 0.5f);
    }
  }
  for (int l = 0; l < 4; ++l) {
    area += counts[l];
    pairs += pair_counts[l];
  }
  perimeter = 4 * area - 2 * pairs;
}

// out[i * stride] = the largest in[j * stride] for j in [i - r, i + r] and
// [0, n) (and 0), in O(n) whatever r (van Herk / Gil-Werman): within blocks
// of 2r + 1, the maxima from each block's start (`ahead`) and to its end
// (`behind`); a window spans at most two blocks -- exactly, as a maximum is.
void window_max(const float* in, int n, int stride, int r, float* out, std::vector<float>& ahead,
                std::vector<float>& behind) {
  const int block = 2 * r + 1;
  ahead.resize(static_cast<std::size_t>(n));
  behind.resize(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    const float v = in[static_cast<std::size_t>(i) * stride];
    ahead[i] = i % block == 0 ? v : std::max(ahead[i - 1], v);
  }
  for (int i = n - 1; i >= 0; --i) {
    const float v = in[static_cast<std::size_t>(i) * stride];
    behind[i] = i == n - 1 || (i + 1) % block == 0 ? v : std::max(behind[i + 1], v);
  }
  for (int i = 0; i < n; ++i) {
    const int first = std::max(0, i - r), last = std::min(n - 1, i + r);
    // In one block, the window starts at its start (ahead) or ends at the end of the line (behind).
    const float m = first / block != last / block ? std::max(behind[first], ahead[last])
                    : first % block == 0          ? ahead[last]
                                                  : behind[first];
    out[static_cast<std::size_t>(i) * stride] = std::max(0.0f, m);
  }
}

void thicken_thin_strokes(std::vector<float>& crop, Box& box) {
  long area = 0, perimeter = 0;
  ink_area_perimeter(crop.data(), box.width, box.height, area, perimeter);
  if (area == 0 || perimeter == 0) return;
  const double scale = static_cast<double>(kDigitBox) / std::max(box.width, box.height);
  const double stroke = 2.0 * area / perimeter;
  if (stroke * scale >= kThinStroke) return;
  const int r = static_cast<int>(std::ceil((kMinStroke / scale - stroke) / 2));
  const int w = box.width + 2 * r, h = box.height + 2 * r;
  std::vector<float> padded(static_cast<std::size_t>(w) * h, 0.0f), rows(padded.size(), 0.0f);
  for (int y = 0; y < box.height; ++y)
    std::copy(&crop[y * box.width], &crop[y * box.width] + box.width, &padded[(y + r) * w + r]);
  std::vector<float> ahead, behind;
  for (int y = 0; y < h; ++y) window_max(&padded[y * w], w, 1, r, &rows[y * w], ahead, behind);
  for (int x = 0; x < w; ++x) window_max(&rows[x], h, w, r, &padded[x], ahead, behind);
  crop = std::move(padded);
  box = {box.x - r, box.y - r, w, h};
}

}  // namespace

std::array<float, 2> centre_of_mass(const std::array<float, kImageSize>& image) {
  return mass_centre(image.data(), kImageSide, kImageSide);
}

Preprocessed preprocess(const float* pixels, int width, int height) {
  if (width <= 0 || height <= 0) throw Error("preprocess: empty canvas size");
  const bool inverted = light_background(pixels, width, height);
  return preprocess(pixels, width, height, inverted, ink_extent(pixels, width, height, inverted));
}

Preprocessed preprocess(const float* pixels, int width, int height, bool inverted, const InkExtent& extent) {
  if (width <= 0 || height <= 0) throw Error("preprocess: empty canvas size");
  Preprocessed result;
  result.inverted = inverted;
  if (extent.count == 0 || extent.count < kMinInkFraction * width * height) return result;
  result.empty = false;
  result.ink = extent.box;

  const Box& b = result.ink;
  std::vector<float> crop(static_cast<std::size_t>(b.width) * b.height);
  const float peak = copy_ink(pixels, width, b, result.inverted, crop.data(), b.width);

  thicken_thin_strokes(crop, result.ink);

  const int longer = std::max(b.width, b.height);
  const int w = std::max(1, static_cast<int>(std::lround(double(b.width) * kDigitBox / longer)));
  const int h = std::max(1, static_cast<int>(std::lround(double(b.height) * kDigitBox / longer)));
  std::vector<float> rows(static_cast<std::size_t>(w) * b.height), digit(static_cast<std::size_t>(w) * h);
  const AreaWeights across = area_weights(b.width, w), down = area_weights(b.height, h);
  int y = 0;
  for (; y + 2 <= b.height; y += 2) {
    resample_line_pair(across, &crop[y * b.width], &crop[(y + 1) * b.width], &rows[y * w], &rows[(y + 1) * w]);
  }
  if (y < b.height) resample_line(across, &crop[y * b.width], 1, &rows[y * w], 1);
  for (int x = 0; x < w; ++x) resample_line(down, &rows[x], w, &digit[x], w);

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
