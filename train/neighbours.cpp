// Digits cut out of touching numbers, for training (see neighbours.h).
#include "neighbours.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <vector>

namespace digits::train {
namespace {

constexpr float kInk = 0.2f;         // what preprocessing counts as ink
constexpr float kMinGap = -0.12f;    // neighbours overlap by up to this x the digit's height ...
constexpr float kMaxGap = 0.04f;     // ... or stay apart by up to this
constexpr float kCutJitter = 0.03f;  // a seam misses the cheapest line by up to this x the height
constexpr float kMaxLost = 0.1f;     // a cut takes at most this share of the middle digit's ink ...
constexpr float kMaxKept = 0.15f;    // ... and leaves at most this share of the neighbour's
constexpr float kSlopes[] = {0.0f, -0.15f, 0.15f, -0.3f, 0.3f};

// An MNIST digit scaled up bilinearly and cropped to its ink (plus a pixel).
struct Glyph {
  int width = 0, height = 0;
  std::vector<float> pixels;
};

Glyph glyph(const std::uint8_t* image, float scale) {
  int x0 = kImageSide, y0 = kImageSide, x1 = -1, y1 = -1;
  for (int y = 0; y < kImageSide; ++y) {
    for (int x = 0; x < kImageSide; ++x) {
      if (image[y * kImageSide + x] > kInk * 255) {
        x0 = std::min(x0, x), x1 = std::max(x1, x), y0 = std::min(y0, y), y1 = std::max(y1, y);
      }
    }
  }
  Glyph g;
  if (x1 < 0) return g;
  x0 = std::max(0, x0 - 1), y0 = std::max(0, y0 - 1);
  x1 = std::min(kImageSide - 1, x1 + 1), y1 = std::min(kImageSide - 1, y1 + 1);
  auto source = [&](int x, int y) {
    return x < x0 || y < y0 || x > x1 || y > y1 ? 0.0f : image[y * kImageSide + x] / 255.0f;
  };
  g.width = static_cast<int>(std::ceil((x1 - x0 + 1) * scale));
  g.height = static_cast<int>(std::ceil((y1 - y0 + 1) * scale));
  g.pixels.resize(static_cast<std::size_t>(g.width) * g.height);
  for (int y = 0; y < g.height; ++y) {
    for (int x = 0; x < g.width; ++x) {
      const float sx = (x + 0.5f) / scale - 0.5f + x0, sy = (y + 0.5f) / scale - 0.5f + y0;
      const int ix = static_cast<int>(std::floor(sx)), iy = static_cast<int>(std::floor(sy));
      const float fx = sx - ix, fy = sy - iy;
      g.pixels[static_cast<std::size_t>(y) * g.width + x] =
          (1 - fy) * ((1 - fx) * source(ix, iy) + fx * source(ix + 1, iy)) +
          fy * ((1 - fx) * source(ix, iy + 1) + fx * source(ix + 1, iy + 1));
    }
  }
  return g;
}

struct Placed {
  const Glyph* glyph = nullptr;
  int x = 0, y = 0;
  // First and last ink column of canvas row `row`, or false where the row has none.
  bool extent(int row, int& left, int& right) const {
    const int r = row - y;
    if (r < 0 || r >= glyph->height) return false;
    left = glyph->width, right = -1;
    for (int c = 0; c < glyph->width; ++c) {
      if (glyph->pixels[static_cast<std::size_t>(r) * glyph->width + c] > kInk) left = std::min(left, c), right = c;
    }
    if (right < 0) return false;
    left += x, right += x;
    return true;
  }
};

// The x at which `n` (its top at n.y) leaves `gap` pixels of background
// between its ink and the ink of `middle`, row by row; on the left side or the right.
int place(const Placed& middle, Placed n, int gap, bool left_side) {
  int x = left_side ? 1 << 30 : -(1 << 30);
  n.x = 0;
  for (int row = std::max(middle.y, n.y); row < std::min(middle.y + middle.glyph->height, n.y + n.glyph->height);
       ++row) {
    int ml = 0, mr = 0, nl = 0, nr = 0;
    if (!middle.extent(row, ml, mr) || !n.extent(row, nl, nr)) continue;
    x = left_side ? std::min(x, ml - 1 - gap - nr) : std::max(x, mr + 1 + gap - nl);
  }
  if (std::abs(x) == 1 << 30) x = left_side ? middle.x - n.glyph->width - gap : middle.x + middle.glyph->width + gap;
  return x;
}

// Ink pixels of a placed glyph per canvas row left of each column: row r's
// counts are prefix[r * (width + 1) + x] for x in 0..width.
std::vector<int> ink_left_of(const Placed& p, int width, int height) {
  std::vector<int> prefix(static_cast<std::size_t>(height) * (width + 1), 0);
  for (int row = 0; row < height; ++row) {
    int* counts = prefix.data() + static_cast<std::size_t>(row) * (width + 1);
    const int r = row - p.y;
    for (int x = 0; x < width; ++x) {
      const int c = x - p.x;
      const bool ink = r >= 0 && r < p.glyph->height && c >= 0 && c < p.glyph->width &&
                       p.glyph->pixels[static_cast<std::size_t>(r) * p.glyph->width + c] > kInk;
      counts[x + 1] = counts[x] + ink;
    }
  }
  return prefix;
}

// Erases everything on the far side of a cut between the middle digit and a
// neighbour (left_side: left of it): the straight line through the least ink
// among those that leave most of each digit on its own side, as a seam that
// reads well would.
void cut(Canvas& canvas, const Placed& middle, const Placed& n, bool left_side, std::mt19937& rng) {
  const int h = middle.glyph->height, w = canvas.width, rows = canvas.height;
  const float mid = middle.y + h / 2.0f;
  const std::vector<int> own = ink_left_of(middle, w, rows), other = ink_left_of(n, w, rows);
  long own_total = 0, other_total = 0;
  for (int row = 0; row < rows; ++row) {
    own_total += own[static_cast<std::size_t>(row) * (w + 1) + w];
    other_total += other[static_cast<std::size_t>(row) * (w + 1) + w];
  }
  auto line = [&](float c, float slope, int row) {
    return std::clamp(static_cast<int>(std::lround(c + slope * (row - mid))), 0, w);
  };
  float best = 1e30f, best_c = 0, best_slope = 0;
  for (float slope : kSlopes) {
    for (int c = 0; c <= w; ++c) {
      float ink = 0;
      long lost = 0, kept = 0;  // the middle's ink cut away, the neighbour's left in
      for (int row = 0; row < rows; ++row) {
        const int x = line(static_cast<float>(c), slope, row);
        const std::size_t at = static_cast<std::size_t>(row) * (w + 1);
        const int own_left = own[at + x], other_left = other[at + x];
        lost += left_side ? own_left : own[at + w] - own_left;
        kept += left_side ? other[at + w] - other_left : other_left;
        if (x < w) ink += canvas.pixels[static_cast<std::size_t>(row) * w + x];
      }
      const bool separates = lost <= kMaxLost * own_total && kept <= kMaxKept * other_total;
      const float cost = separates ? ink : 1e6f + static_cast<float>(lost + kept);
      if (cost < best) best = cost, best_c = static_cast<float>(c), best_slope = slope;
    }
  }
  best_c += kCutJitter * h * std::uniform_real_distribution<float>(-1.0f, 1.0f)(rng);
  for (int row = 0; row < rows; ++row) {
    const int edge = line(best_c, best_slope, row);
    float* p = canvas.pixels.data() + static_cast<std::size_t>(row) * w;
    if (left_side) {
      std::fill(p, p + edge, 0.0f);
    } else {
      std::fill(p + edge, p + w, 0.0f);
    }
  }
}

void stamp(Canvas& canvas, const Placed& p) {
  for (int y = 0; y < p.glyph->height; ++y) {
    for (int x = 0; x < p.glyph->width; ++x) {
      const int cx = p.x + x, cy = p.y + y;
      if (cx < 0 || cy < 0 || cx >= canvas.width || cy >= canvas.height) continue;
      float& v = canvas.pixels[static_cast<std::size_t>(cy) * canvas.width + cx];
      v = std::max(v, p.glyph->pixels[static_cast<std::size_t>(y) * p.glyph->width + x]);
    }
  }
}

// Erases the canvas on one side of the straight line through `p`'s ink
// (slope per row, from the glyph's middle row) that leaves `share` of that
// ink on the kept side (keep_left: left of the line).
void cut_share(Canvas& canvas, const Placed& p, float slope, float share, bool keep_left) {
  const int w = canvas.width, rows = canvas.height;
  const float mid = p.y + p.glyph->height / 2.0f;
  const std::vector<int> left_of = ink_left_of(p, w, rows);
  auto line = [&](int c, int row) { return std::clamp(static_cast<int>(std::lround(c + slope * (row - mid))), 0, w); };
  long total = 0;
  for (int row = 0; row < rows; ++row) total += left_of[static_cast<std::size_t>(row) * (w + 1) + w];
  int best_c = 0;
  float best = 1e30f;
  for (int c = p.x - p.glyph->height; c <= p.x + p.glyph->width + p.glyph->height; ++c) {
    long left = 0;
    for (int row = p.y; row < std::min(rows, p.y + p.glyph->height); ++row)
      left += left_of[static_cast<std::size_t>(row) * (w + 1) + line(c, row)];
    const float kept = static_cast<float>(keep_left ? left : total - left) / std::max(1L, total);
    if (std::fabs(kept - share) < best) best = std::fabs(kept - share), best_c = c;
  }
  for (int row = 0; row < rows; ++row) {
    const int edge = line(best_c, row);
    float* px = canvas.pixels.data() + static_cast<std::size_t>(row) * w;
    if (keep_left) {
      std::fill(px + edge, px + w, 0.0f);
    } else {
      std::fill(px, px + edge, 0.0f);
    }
  }
}

// Whether the ink left on the canvas is one stroke, straight or slanted,
// like a 1 (nine rows in ten span less than a third of its height): a lone
// stroke of a digit cut apart reads, rightly, as a 1; it is not taught as
// "not a digit".
bool stroke_like(const Canvas& canvas) {
  std::vector<int> spans;
  for (int y = 0; y < canvas.height; ++y) {
    int left = canvas.width, right = -1;
    for (int x = 0; x < canvas.width; ++x) {
      if (canvas.pixels[static_cast<std::size_t>(y) * canvas.width + x] > kInk) left = std::min(left, x), right = x;
    }
    if (right >= 0) spans.push_back(right - left + 1);
  }
  if (spans.empty()) return true;
  std::sort(spans.begin(), spans.end());
  return spans[spans.size() * 9 / 10] < static_cast<int>(spans.size()) / 3;
}

const std::uint8_t* random_digit(const StyleSource& source, std::mt19937& rng, int& label) {
  label = std::uniform_int_distribution<int>(0, kClasses - 1)(rng);
  const std::vector<int>& pool = source.by_class[label];
  const int index = pool[std::uniform_int_distribution<std::size_t>(0, pool.size() - 1)(rng)];
  return source.mnist->images.image(index);
}

}  // namespace

bool neighbour_input(const StyleSource& source, std::mt19937& rng, int& label, float* out) {
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  const float scale = 3.5f + u(rng);
  const Glyph middle_glyph = glyph(random_digit(source, rng, label), scale);
  if (middle_glyph.width == 0) return false;
  const int h = middle_glyph.height;
  Canvas canvas(middle_glyph.width + 6 * h, 2 * h + 40);
  const Placed middle{&middle_glyph, 3 * h, h / 2 + 20};
  const float side = u(rng);  // left only, right only, or both
  const bool sides[2] = {side < 0.6f, side >= 0.4f};
  stamp(canvas, middle);
  std::array<Glyph, 2> glyphs;
  std::array<Placed, 2> neighbours;
  for (int s = 0; s < 2; ++s) {
    if (!sides[s]) continue;
    int ignored = 0;
    glyphs[s] = glyph(random_digit(source, rng, ignored), scale * (0.85f + 0.3f * u(rng)));
    if (glyphs[s].width == 0) return false;
    Placed& n = neighbours[s];
    n.glyph = &glyphs[s];
    const int bottom = middle.y + h + static_cast<int>(std::lround(0.06f * h * (2 * u(rng) - 1)));
    n.y = std::clamp(bottom - glyphs[s].height, 0, canvas.height - glyphs[s].height);
    const int gap = static_cast<int>(std::lround(h * (kMinGap + (kMaxGap - kMinGap) * u(rng))));
    n.x = std::clamp(place(middle, n, gap, s == 0), 0, canvas.width - glyphs[s].width);
    stamp(canvas, n);
  }
  for (int s = 0; s < 2; ++s) {
    if (sides[s]) cut(canvas, middle, neighbours[s], s == 0, rng);
  }
  return canvas_input(canvas, out);
}

bool miscut_input(const StyleSource& source, std::mt19937& rng, float* out) {
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  const float scale = 3.5f + u(rng);
  int label = 0;
  const Glyph middle_glyph = glyph(random_digit(source, rng, label), scale);
  if (middle_glyph.width == 0) return false;
  const int h = middle_glyph.height;
  Canvas canvas(middle_glyph.width + 6 * h, 2 * h + 40);
  const Placed middle{&middle_glyph, 3 * h, h / 2 + 20};
  stamp(canvas, middle);
  const float slope = kSlopes[std::uniform_int_distribution<std::size_t>(0, std::size(kSlopes) - 1)(rng)];
  const int kind = std::uniform_int_distribution<int>(0, 2)(rng);
  if (kind == 2) {
    // A narrow digit (a 1) cut lengthwise is still a narrow stroke: a digit.
    if (middle_glyph.width < 0.45f * h) return false;
    cut_share(canvas, middle, slope, 0.3f + 0.4f * u(rng), u(rng) < 0.5f);
    return !stroke_like(canvas) && canvas_input(canvas, out);
  }
  const bool left_side = u(rng) < 0.5f;
  Glyph neighbour_glyph = glyph(random_digit(source, rng, label), scale * (0.85f + 0.3f * u(rng)));
  if (neighbour_glyph.width == 0) return false;
  Placed n{&neighbour_glyph, 0, 0};
  const int bottom = middle.y + h + static_cast<int>(std::lround(0.06f * h * (2 * u(rng) - 1)));
  n.y = std::clamp(bottom - neighbour_glyph.height, 0, canvas.height - neighbour_glyph.height);
  // Touching, overlapping or just apart: what a missed cut joins.
  const int gap = static_cast<int>(std::lround(h * (kMinGap + (0.15f - kMinGap) * u(rng))));
  n.x = std::clamp(place(middle, n, gap, left_side), 0, canvas.width - neighbour_glyph.width);
  stamp(canvas, n);
  if (kind == 1) cut_share(canvas, n, slope, 0.3f + 0.45f * u(rng), !left_side);
  return !stroke_like(canvas) && canvas_input(canvas, out);
}

}  // namespace digits::train
