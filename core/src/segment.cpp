// Segmentation of a drawing into digits:
//   ink mask -> connected pieces -> pieces grouped into digits -> groups wide
//   enough to hold several digits over-segmented at seams (least-ink paths
//   from top to bottom) and straight lines through the ink where digits
//   lean into each other, and a straight stroke at a piece's edge (a 1
//   written against its neighbour) cut along its side -> for each run of
//   close ink, the reading with the best score by dynamic programming over
//   its boundaries, every candidate digit scored by the classifier
//   (confidence, digit score) and its shape -> one input per digit.
//
// [SECTION] Ink: the mask, its connected pieces and their fringes
// [SECTION] Stems: a 1 written against its neighbour
// [SECTION] Groups: the strokes of one digit together
// [SECTION] Seams: where touching digits may be cut apart
// [SECTION] Parts: the ink between two boundaries and its score
// [SECTION] Paths: the best reading of each run of close ink
// [SECTION] segment()
#include "digits/segment.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <utility>

namespace digits {
namespace {

// Every length below is relative to H, the typical digit height of the drawing.
constexpr float kFringe = 0.02f;         // fainter anti-aliasing than this is background
constexpr float kMergeOverlap = 0.5f;    // pieces whose x-extents overlap this much of the narrower: one digit
constexpr float kMinorHeight = 0.5f;     // a piece lower than this x the tallest ...
constexpr float kMinorPixels = 0.3f;     // ... with fewer pixels than this x the largest is a flag, bar or dot
constexpr float kAttachDistance = 0.5f;  // such a piece joins the nearest digit within this x H
constexpr float kSpeckPixels = 0.05f;    // a lone one smaller than this x the largest piece is ignored
constexpr float kForcedGap = 0.25f;      // groups this far apart (x H) are never one digit
constexpr float kTallestShare = 0.75f;   // H is at least this x the tallest group's height
// Pieces that share at least kSideRows of the lower one's rows, one's ink
// left of the other's in kSideShare of them, sit side by side.
constexpr float kSideRows = 0.25f;
constexpr float kSideShare = 0.95f;

// =============================================================================
// [SECTION] Ink: the mask, its connected pieces and their fringes
// =============================================================================

struct Piece {                         // one 8-connected component of ink
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // inclusive
  long pixels = 0;
  int width() const { return x1 - x0 + 1; }
  int height() const { return y1 - y0 + 1; }
};

// `value` and `piece` cover only the ink's box and the ring of pixels around
// it (its fringes), not the canvas: most of a canvas is background, and
// clearing canvas-sized arrays cost more than the rest of the reading.
// Index them by at(x, y), in canvas coordinates inside that box.
struct Ink {
  int width = 0, height = 0;             // the canvas
  int x0 = 0, y0 = 0, x1 = -1, y1 = -1;  // the box the arrays cover, inclusive
  std::vector<float> value;              // 1 = ink, whatever the canvas polarity
  std::vector<int> piece;                // per pixel, fringes included; -1: background
  std::vector<Piece> pieces;
  long total = 0;    // pixels above the ink threshold
  InkExtent extent;  // ink_extent() of the canvas
  std::size_t at(int x, int y) const {
    return static_cast<std::size_t>(y - y0) * static_cast<std::size_t>(x1 - x0 + 1) + static_cast<std::size_t>(x - x0);
  }
  bool core(std::size_t i) const { return value[i] > kInkThreshold; }
};

// GCC/Clang vector extensions (SSE2 natively, SIMD128 in WebAssembly).
typedef float Vec4 __attribute__((vector_size(16)));
typedef int Mask4 __attribute__((vector_size(16)));

// Whether any lane of a comparison's result is set (two 64-bit halves ORed).
bool any_lane(Mask4 m) {
  typedef long long Halves __attribute__((vector_size(16)));
  const Halves h = (Halves)m;
  return (h[0] | h[1]) != 0;
}

// Labelling by runs: the core pixels of each row in runs, a run joined
// (union-find) to the runs of the row above it touches (8-connected), pieces
// numbered in the order their first pixel comes row by row. Then a pass
// that gives the faint anti-aliased edge of each stroke to the stroke, so a
// digit's input keeps the soft edges preprocess() would have seen. Only the
// ink's box and the ring around it (its fringes) are touched: the canvas
// around a digit is most of it; values outside are left 0 (nothing reads a
// pixel of no piece), and the arrays cover only that box.
Ink find_ink(const float* pixels, int w, int h, bool inverted) {
  Ink ink;
  ink.width = w;
  ink.height = h;
  ink.extent = ink_extent(pixels, w, h, inverted);
  if (ink.extent.count == 0) return ink;
  const Box& box = ink.extent.box;
  ink.x0 = std::max(0, box.x - 1), ink.y0 = std::max(0, box.y - 1);
  ink.x1 = std::min(w - 1, box.x + box.width), ink.y1 = std::min(h - 1, box.y + box.height);
  const int x0 = ink.x0, y0 = ink.y0, x1 = ink.x1, y1 = ink.y1;
  const std::size_t n = static_cast<std::size_t>(x1 - x0 + 1) * static_cast<std::size_t>(y1 - y0 + 1);
  const int stride = x1 - x0 + 1;
  ink.value.resize(n);
  ink.piece.assign(n, -1);
  copy_ink(pixels, w, {x0, y0, stride, y1 - y0 + 1}, inverted, ink.value.data(), stride);

  struct Run {
    int y, x0, x1;  // inclusive
  };
  std::vector<Run> runs;
  std::vector<int> parent;
  auto root = [&](int a) {
    while (parent[a] != a) a = parent[a] = parent[parent[a]];
    return a;
  };
  std::size_t above = 0, above_end = 0;  // the previous row's runs
  for (int y = box.y; y < box.y + box.height; ++y) {
    const std::size_t row_begin = runs.size();
    const float* v = &ink.value[ink.at(x0, y)];  // v[x - x0]: the pixel at x
    for (int i = box.x - x0, end = i + box.width; i < end;) {
      while (i < end && v[i] <= kInkThreshold) ++i;
      if (i == end) break;
      const int start = i;
      while (i + 1 < end && v[i + 1] > kInkThreshold) ++i;
      const Run r{y, start + x0, i + x0};
      ++i;
      const int label = static_cast<int>(runs.size());
      parent.push_back(label);
      // Runs above that end before this one starts (one column of diagonal
      // reach) are past for every later run of this row too.
      while (above < above_end && runs[above].x1 < r.x0 - 1) ++above;
      for (std::size_t k = above; k < above_end && runs[k].x0 <= r.x1 + 1; ++k) {
        const int a = root(label), b = root(static_cast<int>(k));
        if (a != b) parent[std::max(a, b)] = std::min(a, b);
      }
      runs.push_back(r);
    }
    above = row_begin;
    above_end = runs.size();
  }

  std::vector<int> id(runs.size(), -1);
  for (std::size_t k = 0; k < runs.size(); ++k) {
    const Run& r = runs[k];
    int& p = id[root(static_cast<int>(k))];
    if (p < 0) {
      p = static_cast<int>(ink.pieces.size());
      ink.pieces.push_back({r.x0, r.y, r.x1, r.y, 0});
    }
    Piece& c = ink.pieces[p];
    c.x0 = std::min(c.x0, r.x0);
    c.x1 = std::max(c.x1, r.x1);
    c.y1 = r.y;
    c.pixels += r.x1 - r.x0 + 1;
    ink.total += r.x1 - r.x0 + 1;
    std::fill(&ink.piece[ink.at(r.x0, r.y)], &ink.piece[ink.at(r.x1, r.y)] + 1, p);
  }

  // A fringe pixel takes the piece of its first core neighbour, row above
  // first, left to right (core pixels all have one; a fringe pixel is not core).
  const int rows = y1 - y0 + 1;
  for (int r = 0; r < rows; ++r) {
    const float* v = &ink.value[static_cast<std::size_t>(r) * stride];
    int* p = &ink.piece[static_cast<std::size_t>(r) * stride];
    // Outside the box is background, no core ink: rows beyond it are not looked at.
    const int first = r > 0 ? -1 : 0, last = r + 1 < rows ? 1 : 0;
    const Mask4 three = {-1, -1, -1, 0};
    auto take = [&](int x) {
      if (p[x] >= 0 || v[x] <= kFringe) return;
      if (x > 0 && x + 2 < stride) {  // most fringe pixels have no core neighbour: four lanes a row tell
        Mask4 near{};
        for (int dy = first; dy <= last; ++dy) {
          Vec4 n;
          std::memcpy(&n, v + dy * stride + x - 1, sizeof n);
          near |= n > kInkThreshold;
        }
        if (!any_lane(near & three)) return;
      }
      const int from = x > 0 ? x - 1 : x, to = x + 1 < stride ? x + 1 : x;
      for (int dy = first; dy <= last; ++dy) {
        const float* nv = v + dy * stride;
        for (int nx = from; nx <= to; ++nx) {
          if (nv[nx] > kInkThreshold) {
            p[x] = p[dy * stride + nx];
            return;
          }
        }
      }
    };
    // Most pixels are background or core: four at a time, looked at only
    // when one of them is a fringe pixel without a piece.
    int x = 0;
    for (; x + 4 <= stride; x += 4) {
      Vec4 values;
      Mask4 pieces;
      std::memcpy(&values, v + x, sizeof values);
      std::memcpy(&pieces, p + x, sizeof pieces);
      if (!any_lane((pieces < 0) & (values > kFringe))) continue;
      for (int k = 0; k < 4; ++k) take(x + k);
    }
    for (; x < stride; ++x) take(x);
  }
  return ink;
}

// =============================================================================
// [SECTION] Stems: a 1 written against its neighbour
// =============================================================================

// People write a 1 against the next digit ("10", "14", "2011"): one piece of
// ink whose edge is a straight stroke as tall as the rest. No least-ink seam
// separates a stroke that touches along its length or crosses the
// neighbour's ink, and a thin 1 is closer to the edge than seams may be. So
// such a stroke gets a cut of its own, a "peel": along the straight line the
// piece's edge follows, a stroke's width inwards. The reading then chooses
// between the piece whole (a 4's own stem) and a 1 and the rest, which must
// each read surely as a digit, the rest not as a 1 (an N or a W is not 11).
constexpr float kStemMinRows = 48;       // pieces at least this many pixels ...
constexpr float kStemPiece = 0.6f;       // ... and this x H tall ...
constexpr float kStemAspect = 0.45f;     // ... and this x their own height wide
constexpr float kStemOnLine = 0.6f;      // the line follows the edge over this share of the piece's rows ...
constexpr float kStemSpan = 0.8f;        // ... and ink sticks out beyond it (a flag, a base) in the rest but this
constexpr float kStemFree = 0.25f;       // where this share of them, the edge stroke is one stroke wide
constexpr float kStemRest = 0.85f;       // the rest is at least this x the piece's height
constexpr float kStemSlope = 0.8f;       // slopes (columns per row) up to this, either way, ...
constexpr float kStemSlopeStep = 0.05f;  // ... this far apart
constexpr int kStemSample = 4;           // rows sampled for a first look
constexpr float kStemTolerance = 2.5f;   // pixels off the line still on it
constexpr float kStemRestWhole = 0.9f;   // the rest's largest piece holds this share of its ink

struct Stem {
  int rows = 0;             // of the piece its edge follows (0: no stem)
  float slope = 0, at = 0;  // the line: x = at + slope (row - middle row), from the piece's top
  int width = 0;            // of the stroke, where it stands free
  bool left = true;
  // Whether (x, y) lies in the band the stem is cut off as: from the line
  // inwards by the stroke's width and a pixel (`widths` of them).
  bool holds(const Piece& piece, int x, int y, float widths = 1) const {
    const float line = at + slope * (y - piece.y0 - (piece.height() - 1) / 2.0f);
    return (left ? x - line : line - x) < widths * width + 1.5f;
  }
};

// The stem on one edge of piece `p`, if it has one.
Stem find_stem(const Ink& ink, int p, bool left) {
  const Piece& piece = ink.pieces[static_cast<std::size_t>(p)];
  const int rows = piece.height(), step = left ? 1 : -1;
  auto mine = [&](int x, int y) {
    const std::size_t i = ink.at(x, y);
    return ink.piece[i] == p && ink.core(i);
  };
  // Per row, the first run of core ink from the edge: where it starts (the
  // edge) and how wide it is. Every kStemSample-th row first; the others only
  // once those show a straight edge (most digits' edges are not).
  std::vector<int> edge(static_cast<std::size_t>(rows), -1), run(static_cast<std::size_t>(rows), 0);
  auto find_edge = [&](int r) {
    const int y = piece.y0 + r;
    int x = left ? piece.x0 : piece.x1;
    while (x >= piece.x0 && x <= piece.x1 && !mine(x, y)) x += step;
    if (x < piece.x0 || x > piece.x1) return;
    int end = x;
    while (end + step >= piece.x0 && end + step <= piece.x1 && mine(end + step, y)) end += step;
    edge[static_cast<std::size_t>(r)] = x;
    run[static_cast<std::size_t>(r)] = std::abs(end - x) + 1;
  };
  // The straight line the edge follows longest over the sampled rows: for
  // each slope in [from, to], the intercept most rows agree on (within two
  // pixels). Returns how many do.
  Stem stem;
  stem.left = left;
  const float mid = (rows - 1) / 2.0f;
  std::vector<int> at;
  at.reserve(static_cast<std::size_t>(rows));
  auto vote = [&](float from, float to) {
    int best = 0;
    for (float slope = from; slope <= to + 1e-3f; slope += kStemSlopeStep) {
      at.clear();
      for (int r = 0; r < rows; r += kStemSample) {
        const int e = edge[static_cast<std::size_t>(r)];
        if (e >= 0) at.push_back(static_cast<int>(std::floor(e - slope * (r - mid) + 0.5f)));
      }
      std::sort(at.begin(), at.end());
      // The most intercepts within one 5-pixel window.
      for (std::size_t i = 0, j = 0; i < at.size(); ++i) {
        while (j < at.size() && at[j] <= at[i] + 4) ++j;
        const int n = static_cast<int>(j - i);
        if (n > best) best = n, stem.slope = slope, stem.at = static_cast<float>(at[i] + 2);
      }
    }
    return best;
  };
  // The sampled rows first, and only around the slope most pairs of them a
  // quarter of the height apart agree on (the median).
  for (int r = 0; r < rows; r += kStemSample) find_edge(r);
  const int samples = (rows + kStemSample - 1) / kStemSample, lag = std::max(1, samples / 4);
  std::vector<float> slopes;
  for (int i = 0; i + lag < samples; ++i) {
    const int a = edge[static_cast<std::size_t>(i * kStemSample)],
              b = edge[static_cast<std::size_t>((i + lag) * kStemSample)];
    if (a >= 0 && b >= 0) slopes.push_back(static_cast<float>(b - a) / (lag * kStemSample));
  }
  if (slopes.empty()) return {};
  std::nth_element(slopes.begin(), slopes.begin() + slopes.size() / 2, slopes.end());
  const float median = std::clamp(slopes[slopes.size() / 2], -kStemSlope, kStemSlope);
  if (vote(median - 2 * kStemSlopeStep, median + 2 * kStemSlopeStep) < kStemOnLine * samples) return {};
  for (int r = 0; r < rows; ++r) {
    if (r % kStemSample != 0) find_edge(r);
  }
  // Every row on that line, and the line moved to their median.
  std::vector<float> offsets;
  for (int r = 0; r < rows; ++r) {
    const int e = edge[static_cast<std::size_t>(r)];
    const float off = e - (stem.at + stem.slope * (r - mid));
    if (e >= 0 && std::fabs(off) <= kStemTolerance) offsets.push_back(off);
  }
  const int best = static_cast<int>(offsets.size());
  if (best < kStemOnLine * rows) return {};
  std::nth_element(offsets.begin(), offsets.begin() + best / 2, offsets.end());
  stem.at += offsets[static_cast<std::size_t>(best / 2)];
  // Its rows, the rows where ink sticks out beyond it (a 1's flag or base),
  // and the stroke's width where it stands free (a low quantile: where a
  // neighbour's stroke is glued to it, its run is wider).
  std::vector<int> widths;
  int outward = 0;
  for (int r = 0; r < rows; ++r) {
    const int e = edge[static_cast<std::size_t>(r)];
    if (e < 0) continue;
    const float off = (e - (stem.at + stem.slope * (r - mid))) * (left ? 1 : -1);
    if (std::fabs(off) <= kStemTolerance) widths.push_back(run[static_cast<std::size_t>(r)]);
    outward += off < -kStemTolerance;
  }
  if (best + outward < kStemSpan * rows) return {};
  const std::size_t quantile = widths.size() * 3 / 10;
  std::nth_element(widths.begin(), widths.begin() + quantile, widths.end());
  stem.width = widths[quantile];
  const long free = std::count_if(widths.begin(), widths.end(), [&](int w) { return w <= stem.width * 3 / 2; });
  if (free < kStemFree * rows) return {};
  // The rest: as tall as a digit, its height counted from two stroke widths
  // in, so that the slivers a slanted stroke leaves along the band (a 7's)
  // do not make it tall; a row at a time from there, first ink ending it.
  int rest_y0 = piece.y1 + 1, rest_y1 = piece.y0 - 1;
  for (int y = piece.y0; y <= piece.y1; ++y) {
    const float line = stem.at + stem.slope * (y - piece.y0 - mid);
    const float deep = left ? line + 2 * stem.width + 1.5f : line - 2 * stem.width - 1.5f;
    const int from = left ? std::max(piece.x0, static_cast<int>(std::floor(deep)) + 1) : piece.x0;
    const int to = left ? piece.x1 : std::min(piece.x1, static_cast<int>(std::ceil(deep)) - 1);
    for (int x = from; x <= to; ++x) {
      if (mine(x, y)) {
        rest_y0 = std::min(rest_y0, y), rest_y1 = std::max(rest_y1, y);
        break;
      }
    }
  }
  if (rest_y1 - rest_y0 + 1 < kStemRest * rows) return {};
  // And one piece of ink (a letter's bars, an E's or a k's, fall apart
  // without their stem; a 0 next to a 1 does not).
  const int w = piece.width();
  std::vector<int> label(static_cast<std::size_t>(w) * rows, -1), sizes;
  std::vector<std::pair<int, int>> stack;
  long rest = 0;
  for (int y = piece.y0; y <= piece.y1; ++y) {
    for (int x = piece.x0; x <= piece.x1; ++x) {
      const std::size_t k = static_cast<std::size_t>(y - piece.y0) * w + (x - piece.x0);
      if (label[k] >= 0 || !mine(x, y) || stem.holds(piece, x, y)) continue;
      const int id = static_cast<int>(sizes.size());
      sizes.push_back(0);
      label[k] = id;
      stack.emplace_back(x, y);
      while (!stack.empty()) {
        const auto [cx, cy] = stack.back();
        stack.pop_back();
        ++sizes.back();
        for (int dy = -1; dy <= 1; ++dy) {
          for (int dx = -1; dx <= 1; ++dx) {
            const int nx = cx + dx, ny = cy + dy;
            if (nx < piece.x0 || nx > piece.x1 || ny < piece.y0 || ny > piece.y1) continue;
            const std::size_t n = static_cast<std::size_t>(ny - piece.y0) * w + (nx - piece.x0);
            if (label[n] >= 0 || !mine(nx, ny) || stem.holds(piece, nx, ny)) continue;
            label[n] = id;
            stack.emplace_back(nx, ny);
          }
        }
      }
      rest += sizes.back();
    }
  }
  if (rest < 2L * rows) return {};
  if (*std::max_element(sizes.begin(), sizes.end()) < kStemRestWhole * rest) return {};
  stem.rows = best;
  return stem;
}

// =============================================================================
// [SECTION] Groups: the strokes of one digit together
// =============================================================================

struct Group {
  std::vector<int> pieces;
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  int width() const { return x1 - x0 + 1; }
  int height() const { return y1 - y0 + 1; }
  float centre() const { return (x0 + x1) / 2.0f; }
  void add(int index, const Piece& p) {
    if (pieces.empty()) {
      x0 = p.x0, y0 = p.y0, x1 = p.x1, y1 = p.y1;
    }
    pieces.push_back(index);
    x0 = std::min(x0, p.x0);
    y0 = std::min(y0, p.y0);
    x1 = std::max(x1, p.x1);
    y1 = std::max(y1, p.y1);
  }
};

float distance(const Group& g, const Piece& p) {
  const int dx = std::max({0, g.x0 - p.x1, p.x0 - g.x1});
  const int dy = std::max({0, g.y0 - p.y1, p.y0 - g.y1});
  return std::hypot(static_cast<float>(dx), static_cast<float>(dy));
}

struct Grouping {
  std::vector<Group> groups;  // left to right
  std::vector<int> group_of;  // per piece; -1: an ignored speck
  float digit_height = 1;     // H
};

// Whether pieces `a` and `b` sit side by side: in (nearly) every row both
// have ink in, one's ink lies wholly left of the other's. Two digits written
// next to each other do, however slanted; a slash in a ring or a bar through
// a stem does not.
bool side_by_side(const std::vector<std::pair<int, int>>& a, const Piece& pa, const std::vector<std::pair<int, int>>& b,
                  const Piece& pb) {
  int shared = 0, a_left = 0, b_left = 0;
  for (int y = std::max(pa.y0, pb.y0); y <= std::min(pa.y1, pb.y1); ++y) {
    const auto& ra = a[static_cast<std::size_t>(y - pa.y0)];
    const auto& rb = b[static_cast<std::size_t>(y - pb.y0)];
    if (ra.second < 0 || rb.second < 0) continue;
    ++shared;
    a_left += ra.second < rb.first;
    b_left += rb.second < ra.first;
  }
  const int lower = std::min(pa.height(), pb.height());
  return shared >= kSideRows * lower && std::max(a_left, b_left) >= kSideShare * shared;
}

// Tall or large pieces are digits or parts of one; pieces whose horizontal
// extents overlap strongly are one digit (a 4 in two strokes, a 5's flag over
// its body, a crossbar, a slash), unless they sit side by side (two slanted
// digits: the reading of the groups' run then decides). Small pieces (flags,
// dots, detached strokes) join the nearest digit; a small piece far from
// everything is a speck.
Grouping group_pieces(const Ink& ink) {
  const std::vector<Piece>& pieces = ink.pieces;
  // Each piece's leftmost and rightmost core ink per row, found when first needed.
  std::vector<std::vector<std::pair<int, int>>> rows(pieces.size());
  auto rows_of = [&](int p) -> const std::vector<std::pair<int, int>>& {
    auto& r = rows[static_cast<std::size_t>(p)];
    if (!r.empty()) return r;
    const Piece& piece = pieces[p];
    r.assign(piece.height(), {ink.width, -1});
    for (int y = piece.y0; y <= piece.y1; ++y) {
      for (int x = piece.x0; x <= piece.x1; ++x) {
        const std::size_t i = ink.at(x, y);
        if (ink.piece[i] != p || !ink.core(i)) continue;
        auto& row = r[static_cast<std::size_t>(y - piece.y0)];
        row.first = std::min(row.first, x);
        row.second = std::max(row.second, x);
      }
    }
    return r;
  };
  Grouping r;
  r.group_of.assign(pieces.size(), -1);
  int tallest = 0;
  long largest = 0;
  for (const Piece& p : pieces) {
    tallest = std::max(tallest, p.height());
    largest = std::max(largest, p.pixels);
  }
  std::vector<int> majors, minors;
  for (int i = 0; i < static_cast<int>(pieces.size()); ++i) {
    const Piece& p = pieces[i];
    const bool major = p.height() >= kMinorHeight * tallest || p.pixels >= kMinorPixels * largest;
    (major ? majors : minors).push_back(i);
  }

  std::vector<int> parent(majors.size());
  for (std::size_t i = 0; i < parent.size(); ++i) parent[i] = static_cast<int>(i);
  auto root = [&](int a) {
    while (parent[a] != a) a = parent[a] = parent[parent[a]];
    return a;
  };
  for (std::size_t i = 0; i < majors.size(); ++i) {
    for (std::size_t j = i + 1; j < majors.size(); ++j) {
      const Piece &a = pieces[majors[i]], &b = pieces[majors[j]];
      const int overlap = std::min(a.x1, b.x1) - std::max(a.x0, b.x0) + 1;
      if (overlap >= kMergeOverlap * std::min(a.width(), b.width()) &&
          !side_by_side(rows_of(majors[i]), a, rows_of(majors[j]), b))
        parent[root(static_cast<int>(j))] = root(static_cast<int>(i));
    }
  }
  std::map<int, int> group_of_root;
  for (std::size_t i = 0; i < majors.size(); ++i) {
    const auto [it, added] = group_of_root.emplace(root(static_cast<int>(i)), static_cast<int>(r.groups.size()));
    if (added) r.groups.emplace_back();
    r.groups[it->second].add(majors[i], pieces[majors[i]]);
  }
  std::vector<int> heights;
  for (const Group& g : r.groups) heights.push_back(g.height());
  // The median group, but no less than most of the tallest: a digit broken
  // into pieces is not made of short digits.
  std::nth_element(heights.begin(), heights.begin() + heights.size() / 2, heights.end());
  const int tallest_group = *std::max_element(heights.begin(), heights.end());
  r.digit_height = std::max({1.0f, static_cast<float>(heights[heights.size() / 2]), kTallestShare * tallest_group});

  const std::vector<Group> digits = r.groups;  // minors attach to digits, not to each other
  for (int m : minors) {
    const Piece& p = pieces[m];
    int nearest = -1;
    float best = kAttachDistance * r.digit_height;
    for (int g = 0; g < static_cast<int>(digits.size()); ++g) {
      const float d = distance(digits[g], p);
      if (d <= best) best = d, nearest = g;
    }
    if (nearest >= 0) {
      r.groups[nearest].add(m, p);
    } else if (p.pixels >= kSpeckPixels * largest) {
      r.groups.emplace_back();
      r.groups.back().add(m, p);
    }
  }

  std::sort(r.groups.begin(), r.groups.end(), [](const Group& a, const Group& b) { return a.centre() < b.centre(); });
  for (int g = 0; g < static_cast<int>(r.groups.size()); ++g) {
    for (int p : r.groups[g].pieces) r.group_of[p] = g;
  }
  return r;
}

// =============================================================================
// [SECTION] Seams: where touching digits may be cut apart
// =============================================================================

// A group may hold several touching digits when it is wider than this x its height.
constexpr float kSeveralAspect = 0.6f;
constexpr float kSeveralDigits = 1.5f;  // and surely does when wider than this x H
// Seams follow a straight line (vertical or slanted like handwriting) and
// stray from it by at most kSeamBand x H, around the ink where they can.
constexpr float kSlopes[] = {0.0f, -0.2f, 0.2f, -0.4f, 0.4f};
constexpr float kSeamStart = 0.1f;  // lines start every this x H across the group
constexpr float kSeamBand = 0.12f;  //
constexpr float kSeamTurn = 0.02f;  // cost of a sideways step, in ink pixels: straight when it is free
// A group no wider than this x H that, whole, reads as a digit this surely
// (or as no digit at all) is not cut: finding its seams and reading their
// parts would cost milliseconds and a dozen classifier calls for every
// ordinary digit drawn, to find the rare narrow pair (a 1 against a 3).
constexpr float kSettledAspect = 1.0f;
constexpr float kSettledConfidence = 0.9f;
constexpr float kMinCutSide = 0.08f;       // a seam leaves at least this (x H) of the group on each side
constexpr float kSeamSpacing = 0.05f;      // seams closer than this (x H, on average) are one
constexpr float kSameSplit = 0.03f;        // seams that split the group's ink within this fraction alike are one
constexpr float kMaxStrokes = 3.5f;        // a seam through more ink than this many stroke widths is no cut
constexpr float kSeamsPerHeight = 6;       // slots per H of a group's width ...
constexpr int kSeamsPerSlot = 2;           // ... each keeping its this many cheapest seams
constexpr float kSecondSeamsWidth = 1.2f;  // in a group wider than this x H (else one per slot)
// Straight cuts (see seams()): in a group wider than kSecondSeamsWidth x H,
// lines every kStraightStep x H across it at each of these slants.
constexpr float kStraightSlopes[] = {0.0f, -0.2f, 0.2f, -0.4f, 0.4f, -0.6f, 0.6f};
constexpr float kStraightStep = 0.05f;
constexpr float kStraightSide = 0.1f;  // a line leaves at least this share of the group's ink on each side
constexpr float kStraightWidest = 8;   // no straight cuts in groups wider than this x H (a scribble, not a number)

// One side of a boundary: ink of groups before `group` lies left of it; with
// `cut`, so does the ink of `group` itself left of the seam (x < seam[y - y0]).
struct Boundary {
  int group = 0;
  bool cut = false;
  bool forced = false;    // no digit spans it (a wide gap, or the ends)
  std::vector<int> seam;  // per row of the group, from its y0
  int y0 = 0;
  float x = 0;            // the seam's mean column
  float strokes = 0;      // ink it crosses, in stroke widths
  float narrow = 0;       // 0..1: how much its group looks like one digit (as wide as a digit, not several)
  bool second = false;    // its slot's second seam
  bool straight = false;  // a straight cut (see seams()): read only if the classifier budget allows
  bool peel = false;      // a stem's cut (see find_stem), the stem on its left when stem_left
  bool stem_left = false;
  long left_ink = 0;  // the group's ink pixels left of it
  // Rows past the seam's ends (a group's faint edge pixels lie outside its
  // core ink's rows) take the nearest row's column.
  bool left(int g, int px, int py) const {
    if (g != group || !cut) return g < group;
    const int row = std::clamp(py - y0, 0, static_cast<int>(seam.size()) - 1);
    return px < seam[static_cast<std::size_t>(row)];
  }
};

Boundary gap_boundary(int group, bool forced) {
  Boundary b;
  b.group = group;
  b.forced = forced;
  return b;
}

// The ink of one group (fringes included) over its box, 0 elsewhere: what seams cross.
struct GroupInk {
  int x0 = 0, y0 = 0, width = 0, height = 0;
  std::vector<float> value;
  float at(int x, int y) const {
    x -= x0, y -= y0;
    return x < 0 || y < 0 || x >= width || y >= height ? 0.0f : value[static_cast<std::size_t>(y) * width + x];
  }
  bool core(int x, int y) const { return at(x, y) > kInkThreshold; }
};

GroupInk group_ink(const Ink& ink, const Grouping& grouping, int g) {
  const Group& group = grouping.groups[g];
  GroupInk r;
  r.x0 = group.x0, r.y0 = group.y0, r.width = group.width(), r.height = group.height();
  r.value.assign(static_cast<std::size_t>(r.width) * r.height, 0.0f);
  for (int y = 0; y < r.height; ++y) {
    for (int x = 0; x < r.width; ++x) {
      const std::size_t i = ink.at(x + r.x0, y + r.y0);
      if (ink.piece[i] >= 0 && grouping.group_of[ink.piece[i]] == g)
        r.value[static_cast<std::size_t>(y) * r.width + x] = ink.value[i];
    }
  }
  return r;
}

// A stroke's width, from its area and outline: a stroke of width w and length
// L covers w L pixels and has about 2 L outline pixels.
float stroke_width(const GroupInk& g, long& area) {
  long outline = 0;
  area = 0;
  for (int y = g.y0; y < g.y0 + g.height; ++y) {
    for (int x = g.x0; x < g.x0 + g.width; ++x) {
      if (!g.core(x, y)) continue;
      ++area;
      if (!g.core(x - 1, y) || !g.core(x + 1, y) || !g.core(x, y - 1) || !g.core(x, y + 1)) ++outline;
    }
  }
  return std::max(1.0f, 2.0f * area / std::max(1L, outline));
}

// The path from the group's top to its bottom, one column per row, moving at
// most one column sideways per row and at most `band` columns from the line
// x = c + slope (y - y_mid), that crosses the least ink (dynamic programming).
Boundary seam(const GroupInk& g, int group, float c, float slope, int band) {
  const int rows = g.height, states = 2 * band + 1;
  const float y_mid = g.y0 + (g.height - 1) / 2.0f;
  // The band's first column on each row, rounded once per row (not per state).
  std::vector<int> first(static_cast<std::size_t>(rows));
  for (int r = 0; r < rows; ++r) first[r] = static_cast<int>(std::lround(c + slope * (g.y0 + r - y_mid))) - band;
  auto base = [&](int r) { return first[static_cast<std::size_t>(r)]; };
  std::vector<float> cost(states, 0.0f), next(states);
  std::vector<signed char> step(static_cast<std::size_t>(rows) * states, 0);
  for (int k = 0; k < states; ++k) cost[k] = g.at(base(0) + k, g.y0);
  for (int r = 1; r < rows; ++r) {
    const int shift = base(r) - base(r - 1);
    for (int k = 0; k < states; ++k) {
      float best = 1e30f;
      signed char chosen = 0;
      for (int d = -1; d <= 1; ++d) {
        const int from = k + shift + d;  // the previous row's state at column x + d
        if (from < 0 || from >= states) continue;
        const float v = cost[from] + (d != 0 ? kSeamTurn : 0.0f);
        if (v < best) best = v, chosen = static_cast<signed char>(d);
      }
      next[k] = best + g.at(base(r) + k, g.y0 + r);
      step[static_cast<std::size_t>(r) * states + k] = chosen;
    }
    std::swap(cost, next);
  }
  Boundary b;
  b.group = group;
  b.cut = true;
  b.y0 = g.y0;
  b.seam.resize(rows);
  int k = static_cast<int>(std::min_element(cost.begin(), cost.end()) - cost.begin());
  for (int r = rows - 1; r >= 0; --r) {
    b.seam[r] = base(r) + k;
    if (r > 0) k += base(r) - base(r - 1) + step[static_cast<std::size_t>(r) * states + k];
  }
  float crossed = 0, sum = 0;
  for (int r = 0; r < rows; ++r) {
    crossed += g.at(b.seam[r], g.y0 + r);
    sum += b.seam[r];
    for (int x = g.x0; x < std::min(b.seam[r], g.x0 + g.width); ++x) b.left_ink += g.core(x, g.y0 + r);
  }
  b.x = sum / rows;
  b.strokes = crossed;  // in pixels until divided by the stroke width
  return b;
}

// Seams through group `g` from straight lines started across it at several
// slants; the ones that cross the least ink, each splitting the group
// differently, left to right.
std::vector<Boundary> seams(const Ink& ink, const Grouping& grouping, int g) {
  const Group& group = grouping.groups[g];
  const float h = std::max(grouping.digit_height, 0.7f * group.height());
  const GroupInk gi = group_ink(ink, grouping, g);
  long total = 0;
  const float stroke = stroke_width(gi, total);
  const int band = std::max(2, static_cast<int>(kSeamBand * h));
  const float step = std::max(1.0f, kSeamStart * h);
  std::vector<Boundary> all;
  for (float slope : kSlopes) {
    for (float c = group.x0 + kMinCutSide * h; c <= group.x1 - kMinCutSide * h; c += step) {
      Boundary b = seam(gi, g, c, slope, band);
      b.strokes /= stroke;
      const float side = kMinCutSide * h;
      if (b.strokes > kMaxStrokes || b.x < group.x0 + side || b.x > group.x1 - side) continue;
      if (b.left_ink < 0.02f * total || b.left_ink > 0.98f * total) continue;
      all.push_back(std::move(b));
    }
  }
  std::stable_sort(all.begin(), all.end(), [](const Boundary& a, const Boundary& b) { return a.strokes < b.strokes; });
  // The cheapest seams of each slot across the group, so that a junction
  // through more ink still gets its seam next to cheap ones elsewhere; two
  // per slot, as the seam that separates two digits often costs as much as
  // one through a digit beside it (a 7's bar ending in a 1's stem). Only in
  // groups wide enough to be several digits: every seam is one more chance
  // for the strokes of a letter to be read as digits.
  const float slot = h / kSeamsPerHeight;
  std::vector<Boundary> kept;
  std::vector<int> taken(static_cast<std::size_t>(group.width() / slot) + 2, 0);
  for (Boundary& b : all) {
    int& t = taken[static_cast<std::size_t>((b.x - group.x0) / slot)];
    if (t == (group.width() > kSecondSeamsWidth * h ? kSeamsPerSlot : 1)) continue;
    const bool same = std::any_of(kept.begin(), kept.end(), [&](const Boundary& k) {
      return std::labs(k.left_ink - b.left_ink) < kSameSplit * total || std::fabs(k.x - b.x) < kSeamSpacing * h;
    });
    if (same) continue;
    b.second = t++ > 0;
    kept.push_back(std::move(b));
  }
  // Straight cuts. Where two digits lean into each other along a stroke (two
  // slanted 0s glued side to side, a 1 drawn into a 4, a 7's bar over the
  // next digit), every least-ink seam goes around the contact, through one
  // digit or the other: only a straight line through the contact gives each
  // digit its own ink, however much ink it crosses. Only in groups surely
  // holding several digits, and only lines that split the ink unlike every
  // seam kept; the classifier then judges their parts like any other.
  if (group.width() > kSecondSeamsWidth * h && group.width() <= kStraightWidest * h) {
    const float straight_step = std::max(1.0f, kStraightStep * h);
    for (float slope : kStraightSlopes) {
      for (float c = group.x0 + kMinCutSide * h; c <= group.x1 - kMinCutSide * h; c += straight_step) {
        Boundary b = seam(gi, g, c, slope, 0);
        b.strokes /= stroke;
        if (b.left_ink < kStraightSide * total || b.left_ink > (1 - kStraightSide) * total) continue;
        const bool same = std::any_of(kept.begin(), kept.end(), [&](const Boundary& k) {
          return std::labs(k.left_ink - b.left_ink) < kSameSplit * total;
        });
        if (same) continue;
        // A weaker candidate, like a slot's second seam: its parts must read surely.
        b.straight = b.second = true;
        kept.push_back(std::move(b));
      }
    }
  }
  const float aspect = group.width() / h;
  const float narrow = std::clamp((kSeveralDigits - aspect) / (kSeveralDigits - kSeveralAspect), 0.0f, 1.0f);
  for (Boundary& b : kept) b.narrow = narrow;
  std::sort(kept.begin(), kept.end(), [](const Boundary& a, const Boundary& b) { return a.left_ink < b.left_ink; });
  return kept;
}

// The cut along the stem of group `g`'s largest piece (see find_stem), if it has one.
std::optional<Boundary> stem_cut(const Ink& ink, const Grouping& grouping, int g) {
  const Group& group = grouping.groups[g];
  int p = group.pieces[0];
  for (int q : group.pieces) {
    if (ink.pieces[q].pixels > ink.pieces[p].pixels) p = q;
  }
  const Piece& piece = ink.pieces[p];
  if (piece.height() < std::max(kStemMinRows, kStemPiece * grouping.digit_height) ||
      piece.width() < kStemAspect * piece.height())
    return {};
  const Stem left = find_stem(ink, p, true), right = find_stem(ink, p, false);
  const Stem& stem = left.rows >= right.rows ? left : right;
  if (stem.rows == 0) return {};
  Boundary b;
  b.group = g;
  b.cut = b.peel = true;
  b.stem_left = stem.left;
  b.y0 = group.y0;
  b.seam.resize(static_cast<std::size_t>(group.height()));
  const float mid = (piece.height() - 1) / 2.0f;
  float sum = 0;
  for (int y = group.y0; y <= group.y1; ++y) {
    // The first column right of the stem's band (left stem), or the band's first column (right stem).
    const float line = stem.at + stem.slope * (y - piece.y0 - mid), reach = stem.width + 1.5f;
    const int x =
        stem.left ? static_cast<int>(std::ceil(line + reach)) : static_cast<int>(std::floor(line - reach)) + 1;
    b.seam[static_cast<std::size_t>(y - group.y0)] = x;
    sum += x;
    for (int c = group.x0; c < std::min(x, group.x1 + 1); ++c) {
      const std::size_t i = ink.at(c, y);
      b.left_ink += ink.piece[i] >= 0 && grouping.group_of[ink.piece[i]] == g && ink.core(i);
    }
  }
  b.x = sum / group.height();
  return b;
}

// The start, the gaps between groups (forced where wide) and the seams of
// groups that may hold several digits (and stems' cuts), in order.
std::vector<Boundary> boundaries(const Ink& ink, const Grouping& grouping, const std::vector<char>& settled) {
  const std::vector<Group>& groups = grouping.groups;
  const float h = grouping.digit_height;
  std::vector<Boundary> b;
  b.push_back(gap_boundary(0, true));
  for (int g = 0; g < static_cast<int>(groups.size()); ++g) {
    std::vector<Boundary> cuts;
    if (!settled[g] && groups[g].width() > kSeveralAspect * std::max(static_cast<float>(groups[g].height()), h)) {
      cuts = seams(ink, grouping, g);
    }
    if (std::optional<Boundary> stem = stem_cut(ink, grouping, g)) {
      const auto at = std::lower_bound(cuts.begin(), cuts.end(), *stem,
                                       [](const Boundary& a, const Boundary& b) { return a.left_ink < b.left_ink; });
      cuts.insert(at, std::move(*stem));
    }
    for (Boundary& cut : cuts) b.push_back(std::move(cut));
    if (g + 1 < static_cast<int>(groups.size())) {
      const int gap = groups[g + 1].x0 - groups[g].x1;
      b.push_back(gap_boundary(g + 1, gap > kForcedGap * h));
    }
  }
  b.push_back(gap_boundary(static_cast<int>(groups.size()), true));
  return b;
}

// =============================================================================
// [SECTION] Parts: the ink between two boundaries and its score
// =============================================================================

constexpr float kMaxPartWidth = 1.3f;     // no digit cut from touching ink is wider than this x H
constexpr float kMinPartHeight = 0.3f;    // nor lower than this x H
constexpr int kMaxPrimitives = 12;        // a digit spans at most this many seams' intervals (twice with straight cuts)
constexpr float kSureCut = 0.9f;          // a part cut from what is no digit as a whole reads at least this surely,
constexpr float kSureSecondCut = 0.995f;  // this surely when cut at a slot's second seam
constexpr float kSecondCut = 0.9f;        // any part cut at a slot's second seam reads at least this surely
constexpr float kSurePeel = 0.99f;        // a stem cut off, and what it was cut from, read at least this surely

// The score of a reading is the sum over its digits of
//   log(confidence) + kDigitScoreWeight log(digit score)   what the classifier says
//   - kAspectWeight (aspect - kWidestAspect)+              digits are rarely wider than tall
//   - kLowWeight (kLowest - height / H)+                   nor much lower than the others
//   - kCutWeight strokes                                    a cut through ink needs evidence,
//   - kNarrowCutWeight narrow                               more of it in a group no wider than a digit
//   + kDigitBonus                                           (one digit against several)
constexpr float kDigitScoreWeight = 1.0f;
constexpr float kWidestAspect = 0.8f;
constexpr float kAspectWeight = 3.0f;
constexpr float kLoneAspectRelief = 0.5f;  // (half of it for the drawing's only group, read whole)
constexpr float kLowest = 0.55f;
constexpr float kLowWeight = 4.0f;
constexpr float kCutWeight = 0.5f;
constexpr float kNarrowCutWeight = 1.0f;
constexpr float kDigitBonus = 0.0f;

struct Part {  // the ink between two boundaries
  bool valid = false;
  bool scored = false;
  Preprocessed input;
  int strokes = 0;
  bool cut = false;
  double score = 0;
};

// Copies the ink between boundaries `a` and `b` (fringes included) into a
// buffer with a background margin, and preprocesses that: the digit's input
// is made exactly the way a canvas holding only it would be. Invalid when
// empty, or when the seams cross each other over ink.
// With `pixels`, also lists the part's core ink pixels (canvas indices), for a trace.
Part extract(const Ink& ink, const Grouping& grouping, const Boundary& a, const Boundary& b,
             std::vector<int>* pixels_out = nullptr) {
  Part part;
  const int first = a.group, last = b.cut ? b.group : b.group - 1;
  if (last < first) return part;
  int x0 = ink.width, y0 = ink.height, x1 = -1, y1 = -1;
  for (int g = first; g <= last; ++g) {
    const Group& group = grouping.groups[g];
    x0 = std::min(x0, group.x0);
    y0 = std::min(y0, group.y0);
    x1 = std::max(x1, group.x1);
    y1 = std::max(y1, group.y1);
    part.strokes += static_cast<int>(group.pieces.size());
  }
  x0 = std::max(0, x0 - 1), y0 = std::max(0, y0 - 1);
  x1 = std::min(ink.width - 1, x1 + 1), y1 = std::min(ink.height - 1, y1 + 1);
  const int bw = x1 - x0 + 5, bh = y1 - y0 + 5;  // 2 px of background on every side
  std::vector<float> buffer(static_cast<std::size_t>(bw) * bh, 0.0f);
  long pixels = 0;
  for (int y = y0; y <= y1; ++y) {
    for (int x = x0; x <= x1; ++x) {
      const std::size_t i = ink.at(x, y);
      if (ink.piece[i] < 0) continue;
      const int g = grouping.group_of[ink.piece[i]];
      if (g < first || g > last) continue;
      const bool after_a = !a.left(g, x, y), before_b = b.left(g, x, y);
      if (!after_a && !before_b && ink.core(i)) return part;  // the seams cross over ink
      if (!after_a || !before_b) continue;
      buffer[static_cast<std::size_t>(y - y0 + 2) * bw + (x - x0 + 2)] = ink.value[i];
      if (ink.core(i)) {
        ++pixels;
        if (pixels_out) pixels_out->push_back(y * ink.width + x);
      }
    }
  }
  if (pixels == 0) return part;
  part.input = preprocess(buffer.data(), bw, bh);
  if (part.input.empty) return part;
  // Back from buffer to canvas coordinates (the placement is relative to the box, so it stays right).
  part.input.ink.x += x0 - 2;
  part.input.ink.y += y0 - 2;
  part.cut = a.cut || b.cut;
  part.valid = true;
  return part;
}

// The score of one part (see above), its right boundary's cut included.
double part_score(const PartReading& r, const Box& box, const Boundary& right, float h) {
  const float aspect = static_cast<float>(box.width) / box.height;
  const float low = kLowest - box.height / h;
  double s = std::log(std::max(r.confidence, 1e-4f));
  if (r.has_digit_score) s += kDigitScoreWeight * std::log(std::max(r.digit_score, 1e-3f));
  s -= kAspectWeight * std::max(0.0f, aspect - kWidestAspect);
  s -= kLowWeight * std::max(0.0f, low);
  if (right.cut) s -= kCutWeight * right.strokes + kNarrowCutWeight * right.narrow;
  return s + kDigitBonus;
}

// =============================================================================
// [SECTION] Paths: the best reading of each run of close ink
// =============================================================================

// Chooses, over the boundaries [from, to] (a run of close or wide groups),
// the split into parts whose scores add up to the most: dynamic programming
// over the boundaries, each part extracted and classified at most once (the
// pairs of boundaries at most kMaxPartWidth x H apart bound the calls).
// Appends the chosen parts.
void read_run(const Ink& ink, const Grouping& grouping, const std::vector<Boundary>& bounds, int from, int to,
              const ClassifyFn& classify, int& calls, std::vector<Part>& out, SegmentTrace* trace) {
  const float h = grouping.digit_height;
  std::map<std::pair<int, int>, Part> parts;
  auto as_drawn = [&](int a, int b) {  // the part is exactly one group, as drawn
    return !bounds[a].cut && !bounds[b].cut && bounds[b].group == bounds[a].group + 1;
  };
  // Whether the part is exactly a stem: from its group's edge to the stem's cut.
  auto stem_alone = [&](int a, int b) {
    const Boundary &ba = bounds[a], &bb = bounds[b];
    return (bb.peel && bb.stem_left && !ba.cut && ba.group == bb.group) ||
           (ba.peel && !ba.stem_left && !bb.cut && bb.group == ba.group + 1);
  };
  // A group no wider than a digit pair that, whole, is not a digit (a letter,
  // a symbol) is cut only into parts that are surely digits: its pieces
  // would read as digits, but seldom all surely.
  std::map<int, bool> not_digit;
  auto whole_not_digit = [&](const Boundary& b) {
    if (!b.cut || b.narrow <= 0) return false;
    const auto found = not_digit.find(b.group);
    if (found != not_digit.end()) return found->second;
    bool whole_is_digit = true;
    const Part whole = extract(ink, grouping, gap_boundary(b.group, false), gap_boundary(b.group + 1, false));
    if (whole.valid && calls < kMaxClassifierCalls) {
      ++calls;
      whole_is_digit = classify(whole.input.image).is_digit;
    }
    not_digit[b.group] = !whole_is_digit;
    return !whole_is_digit;
  };
  auto part = [&](int a, int b) -> Part& {
    Part& p = parts[{a, b}];
    if (p.scored) return p;
    p.scored = true;
    const Boundary &ba = bounds[a], &bb = bounds[b];
    const bool sure_only = whole_not_digit(ba) || whole_not_digit(bb);
    // A cheap bound on the width before any pixel is touched.
    const float left = ba.cut ? ba.x : grouping.groups[ba.group].x0;
    const float right = bb.cut ? bb.x : grouping.groups[bb.group - 1].x1;
    if (!as_drawn(a, b) && right - left > kMaxPartWidth * h * 1.2f) return p;
    std::vector<int> pixels;
    Part made = extract(ink, grouping, ba, bb, trace ? &pixels : nullptr);
    made.scored = true;
    if (made.valid && !as_drawn(a, b) &&
        (made.input.ink.width > kMaxPartWidth * h || made.input.ink.height < kMinPartHeight * h))
      made.valid = false;
    if (made.valid) {
      if (calls < kMaxClassifierCalls) {
        ++calls;
        const PartReading rd = classify(made.input.image);
        made.score = part_score(rd, made.input.ink, bb, h);
        // The one group of a drawing, read whole, is a digit clipped by the
        // canvas's edge as often as a pair: its width costs it half as much.
        if (as_drawn(a, b) && grouping.groups.size() == 1) {
          const float aspect = static_cast<float>(made.input.ink.width) / made.input.ink.height;
          made.score += kLoneAspectRelief * kAspectWeight * std::max(0.0f, aspect - kWidestAspect);
        }
        // A slot's second seam is a weaker candidate: its parts must read surely.
        const bool second = ba.second || bb.second;
        if (second && rd.confidence < kSecondCut) made.valid = false;
        // A straight cut is never a 1's edge: a line beside any upright
        // stroke reads as a 1 (an m as 111); a 1 against its neighbour has
        // its own cut (find_stem).
        if ((ba.straight || bb.straight) && rd.label == 1) made.valid = false;
        if (sure_only && (!rd.is_digit || rd.confidence < (second ? kSureSecondCut : kSureCut))) made.valid = false;
        // A stem cut off is surely a 1, and what it was cut from surely another digit.
        if ((ba.peel || bb.peel) && (!rd.is_digit || rd.confidence < kSurePeel || (rd.label == 1) != stem_alone(a, b)))
          made.valid = false;
        if (trace) {
          trace->parts.push_back(
              {made.input.ink, rd.label, rd.confidence, made.score, false, made.input.image, std::move(pixels)});
        }
      } else {
        made.valid = as_drawn(a, b);  // out of budget: only the groups as drawn
        made.score = -10;
      }
    }
    p = std::move(made);
    return p;
  };

  // The best split over `nodes` (boundary indices, ascending), as the
  // boundaries it cuts at; `complete` is false when the classifier budget
  // ran out on the way (some parts could only be the groups as drawn).
  struct Split {
    std::vector<int> cuts;
    bool complete = true;
  };
  auto best_split = [&](const std::vector<int>& nodes, int span) {
    const int n = static_cast<int>(nodes.size());
    std::vector<double> best(n, -1e30);
    std::vector<int> previous(n, -1);
    best[0] = 0;
    const int calls_before = calls;
    for (int j = 1; j < n; ++j) {
      for (int i = j - 1; i >= 0; --i) {
        if (best[i] <= -1e29 || (j - i > span && !as_drawn(nodes[i], nodes[j]))) continue;
        const Part& p = part(nodes[i], nodes[j]);
        if (p.valid && best[i] + p.score > best[j]) best[j] = best[i] + p.score, previous[j] = i;
      }
    }
    Split split;
    split.complete = calls < kMaxClassifierCalls || calls == calls_before;
    for (int j = n - 1; j > 0; j = previous[j]) {
      if (previous[j] < 0) return Split{{}, false};  // cannot happen: the groups as drawn are always a reading
      split.cuts.push_back(nodes[j]);
    }
    std::reverse(split.cuts.begin(), split.cuts.end());
    return split;
  };
  // First without the straight cuts, then with them (the parts already read
  // are not read again): when the budget runs out before every part with a
  // straight cut is read, the reading without them stands, rather than one
  // where the unread parts could only be the groups as drawn.
  std::vector<int> nodes, all;
  for (int k = from; k <= to; ++k) {
    all.push_back(k);
    if (!bounds[k].straight) nodes.push_back(k);
  }
  std::vector<int> chosen = best_split(nodes, kMaxPrimitives).cuts;
  if (all.size() > nodes.size() && calls < kMaxClassifierCalls) {
    Split with_straight = best_split(all, 2 * kMaxPrimitives);
    if (with_straight.complete) chosen = std::move(with_straight.cuts);
  }
  int i = from;
  for (int j : chosen) {
    out.push_back(std::move(parts[{i, j}]));
    if (trace) {
      for (SegmentTrace::Part& t : trace->parts) {
        const Box &a = t.box, &b = out.back().input.ink;
        if (a.x == b.x && a.y == b.y && a.width == b.width && a.height == b.height) t.chosen = true;
      }
    }
    i = j;
  }
}

}  // namespace

// =============================================================================
// [SECTION] segment()
// =============================================================================

// The groups and which pixels they hold, for a trace.
void trace_groups(const Ink& ink, const Grouping& grouping, const std::vector<char>& settled,
                  const std::vector<Boundary>& bounds, SegmentTrace& trace) {
  trace.group_of_pixel.assign(static_cast<std::size_t>(ink.width) * ink.height, -1);
  for (int y = ink.y0; y <= ink.y1; ++y) {
    for (int x = ink.x0; x <= ink.x1; ++x) {
      const int p = ink.piece[ink.at(x, y)];
      if (p >= 0) trace.group_of_pixel[static_cast<std::size_t>(y) * ink.width + x] = grouping.group_of[p];
    }
  }
  for (std::size_t g = 0; g < grouping.groups.size(); ++g) {
    const Group& group = grouping.groups[g];
    SegmentTrace::Group t;
    t.box = {group.x0, group.y0, group.width(), group.height()};
    t.settled = settled[g];
    t.seams = static_cast<int>(std::count_if(
        bounds.begin(), bounds.end(), [&](const Boundary& b) { return b.cut && b.group == static_cast<int>(g); }));
    trace.groups.push_back(t);
  }
}

Segmentation segment(const float* pixels, int width, int height, const ClassifyFn& classify, SegmentTrace* trace) {
  Segmentation s;
  s.inverted = light_background(pixels, width, height);
  const Ink ink = find_ink(pixels, width, height, s.inverted);
  if (ink.total == 0 || ink.total < kMinInkFraction * width * height) return s;
  const Grouping grouping = group_pieces(ink);
  const bool specks = std::count(grouping.group_of.begin(), grouping.group_of.end(), -1) > 0;
  // A lone digit's input is the whole canvas preprocessed, made once: the
  // settling reading below and the recognizer then see the same image (and
  // the recognizer reuses that reading).
  const bool lone = grouping.groups.size() == 1 && !specks;
  std::optional<Preprocessed> canvas;
  auto whole_canvas = [&]() -> const Preprocessed& {
    if (!canvas) canvas = preprocess(pixels, width, height, s.inverted, ink.extent);
    return *canvas;
  };
  std::vector<char> settled(grouping.groups.size(), 0);
  for (std::size_t g = 0; g < settled.size(); ++g) {
    const Group& group = grouping.groups[g];
    const float side = std::max(static_cast<float>(group.height()), grouping.digit_height);
    if (group.width() <= kSeveralAspect * side || group.width() > kSettledAspect * side) continue;
    const int index = static_cast<int>(g);
    PartReading rd;
    if (lone) {
      rd = classify(whole_canvas().image);
    } else {
      const Part whole = extract(ink, grouping, gap_boundary(index, false), gap_boundary(index + 1, false));
      if (!whole.valid) continue;
      rd = classify(whole.input.image);
    }
    ++s.classifier_calls;
    settled[g] = !rd.is_digit || rd.confidence >= kSettledConfidence;
  }
  const std::vector<Boundary> bounds = boundaries(ink, grouping, settled);
  if (trace) trace_groups(ink, grouping, settled, bounds, *trace);

  // One group of every piece, narrow enough to be one digit: today's input, no classifier call.
  if (bounds.size() == 2 && !specks) {
    s.digits.push_back({whole_canvas(), static_cast<int>(ink.pieces.size()), false});
    return s;
  }

  std::vector<Part> parts;
  for (int from = 0; from + 1 < static_cast<int>(bounds.size());) {
    int to = from + 1;
    while (!bounds[to].forced) ++to;
    if (to == from + 1) {
      parts.push_back(extract(ink, grouping, bounds[from], bounds[to]));
    } else {
      read_run(ink, grouping, bounds, from, to, classify, s.classifier_calls, parts, trace);
    }
    from = to;
  }
  for (Part& p : parts) {
    if (p.valid) s.digits.push_back({p.input, p.strokes, p.cut});
  }
  // Read as one uncut digit after all: exactly the input a lone digit gets.
  if (s.digits.size() == 1 && !s.digits[0].cut && !specks) s.digits[0].input = whole_canvas();
  return s;
}

}  // namespace digits
