// Segmentation of a drawing into digits:
//   ink mask -> connected pieces -> pieces grouped into digits -> where groups
//   are close enough to be one digit, or wide enough to be several, the
//   classifier picks the reading (merge, keep, or cut) -> one input per digit.
//
// [SECTION] Ink: the mask, its connected pieces and their fringes
// [SECTION] Groups: the strokes of one digit together
// [SECTION] Boundaries: where one digit may end and the next begin
// [SECTION] Readings: the most confident split of each run of close ink
// [SECTION] segment()
#include "digits/segment.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

namespace digits {
namespace {

// Every length below is relative to H, the typical digit height of the drawing.
constexpr float kFringe = 0.02f;          // fainter anti-aliasing than this is background
constexpr float kMergeOverlap = 0.5f;     // pieces whose x-extents overlap this much of the narrower: one digit
constexpr float kMinorHeight = 0.5f;      // a piece lower than this x the tallest ...
constexpr float kMinorPixels = 0.3f;      // ... with fewer pixels than this x the largest is a flag, bar or dot
constexpr float kAttachDistance = 0.5f;   // such a piece joins the nearest digit within this x H
constexpr float kSpeckPixels = 0.05f;     // a lone one smaller than this x the largest piece is ignored
constexpr float kForcedGap = 0.25f;       // groups this far apart (x H) are never one digit
constexpr float kWideAspect = 0.8f;       // a group wider than this x H may hold several digits ...
constexpr float kSureWidth = 1.2f;        // ... unless it is at most this wide and reads as one digit
constexpr float kSureConfidence = 0.99f;  //     with this confidence
constexpr float kSeveralDigits = 1.5f;    // a group wider than this x H almost surely holds several
constexpr float kMaxSegmentWidth = 1.3f;  // no digit cut from touching ink is wider than this x H
constexpr float kWidestAspect = 1.2f;     // digits wider than this x their height are unlikely
constexpr float kMinCutSide = 0.12f;      // a cut leaves at least this (x H) of the group on both sides
constexpr float kMinimumWindow = 0.08f;   // a cut sits at the least ink within this (x H) around it
constexpr float kCutSpacing = 0.1f;       // cut candidates closer than this (x H) are one
constexpr float kCutsPerHeight = 0.25f;   // one cut candidate per this much (x H) of a group's width
// A reading that cuts ink must beat the uncut one by this factor per cut: the
// classifier is confident about fragments too (half a 0 reads as a 1), so
// cutting needs evidence; less of it where the group is too wide for one digit.
constexpr float kCutPenalty = 0.3f;
constexpr float kCutPenaltyWide = 0.9f;
constexpr int kMaxCalls = 96;  // classifier calls per drawing, whatever it holds

// =============================================================================
// [SECTION] Ink: the mask, its connected pieces and their fringes
// =============================================================================

struct Piece {                         // one 8-connected component of ink
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // inclusive
  long pixels = 0;
  int width() const { return x1 - x0 + 1; }
  int height() const { return y1 - y0 + 1; }
};

struct Ink {
  int width = 0, height = 0;
  std::vector<float> value;  // 1 = ink, whatever the canvas polarity
  std::vector<int> piece;    // per pixel, fringes included; -1: background
  std::vector<Piece> pieces;
  long total = 0;  // pixels above the ink threshold
  bool core(std::size_t i) const { return value[i] > kInkThreshold; }
};

// Two-pass labelling with union-find, then a pass that gives the faint
// anti-aliased edge of each stroke to the stroke, so a digit's input keeps
// the soft edges preprocess() would have seen.
Ink find_ink(const float* pixels, int w, int h, bool inverted) {
  Ink ink;
  ink.width = w;
  ink.height = h;
  const std::size_t n = static_cast<std::size_t>(w) * h;
  ink.value.resize(n);
  ink.piece.assign(n, -1);
  for (std::size_t i = 0; i < n; ++i) ink.value[i] = std::clamp(inverted ? 1.0f - pixels[i] : pixels[i], 0.0f, 1.0f);

  std::vector<int> parent;
  auto root = [&](int a) {
    while (parent[a] != a) a = parent[a] = parent[parent[a]];
    return a;
  };
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const std::size_t i = static_cast<std::size_t>(y) * w + x;
      if (!ink.core(i)) continue;
      int label = -1;
      auto join = [&](int nx, int ny) {
        if (nx < 0 || nx >= w || ny < 0) return;
        const int other = ink.piece[static_cast<std::size_t>(ny) * w + nx];
        if (other < 0) return;
        if (label < 0) {
          label = other;
          return;
        }
        const int a = root(label), b = root(other);
        if (a != b) parent[std::max(a, b)] = std::min(a, b);
      };
      join(x - 1, y);
      join(x - 1, y - 1);
      join(x, y - 1);
      join(x + 1, y - 1);
      if (label < 0) {
        label = static_cast<int>(parent.size());
        parent.push_back(label);
      }
      ink.piece[i] = label;
    }
  }

  std::vector<int> compact(parent.size(), -1);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      int& p = ink.piece[static_cast<std::size_t>(y) * w + x];
      if (p < 0) continue;
      int& id = compact[root(p)];
      if (id < 0) {
        id = static_cast<int>(ink.pieces.size());
        ink.pieces.push_back({x, y, x, y, 0});
      }
      p = id;
      Piece& c = ink.pieces[id];
      c.x0 = std::min(c.x0, x);
      c.x1 = std::max(c.x1, x);
      c.y1 = y;
      ++c.pixels;
      ++ink.total;
    }
  }

  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const std::size_t i = static_cast<std::size_t>(y) * w + x;
      if (ink.piece[i] >= 0 || ink.value[i] <= kFringe) continue;
      for (int dy = -1; dy <= 1 && ink.piece[i] < 0; ++dy) {
        for (int dx = -1; dx <= 1; ++dx) {
          const int nx = x + dx, ny = y + dy;
          if (nx < 0 || nx >= w || ny < 0 || ny >= h) continue;
          const std::size_t j = static_cast<std::size_t>(ny) * w + nx;
          if (ink.core(j)) {
            ink.piece[i] = ink.piece[j];
            break;
          }
        }
      }
    }
  }
  return ink;
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

// Tall or large pieces are digits or parts of one; pieces whose horizontal
// extents overlap strongly are one digit (a 4 in two strokes, a 5's flag over
// its body, a crossbar, a slash). Small pieces (flags, dots, detached
// strokes) join the nearest digit; a small piece far from everything is a speck.
Grouping group_pieces(const std::vector<Piece>& pieces) {
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
      if (overlap >= kMergeOverlap * std::min(a.width(), b.width()))
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
  std::nth_element(heights.begin(), heights.begin() + heights.size() / 2, heights.end());
  r.digit_height = static_cast<float>(std::max(1, heights[heights.size() / 2]));

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
// [SECTION] Boundaries: where one digit may end and the next begin
// =============================================================================

// Ink of groups before `group` lies left of a boundary; with `cut`, so does
// the ink of `group` itself that lies left of the line x = x + slope * (y - y_mid).
struct Boundary {
  int group = 0;
  bool cut = false;
  float x = 0, slope = 0, y_mid = 0;
  bool forced = false;  // no digit spans it
  float at(int y) const { return x + slope * (static_cast<float>(y) - y_mid); }
  bool left(int g, int px, int py) const { return g < group || (g == group && cut && px < at(py)); }
};

// Lines through a group that cross little of its ink: for a few slants, the
// columns where the line meets the fewest ink pixels (the column profile's
// minima, and the valleys between the contours of touching digits). The
// lowest-cost candidates, kept apart from each other, are returned left to right.
std::vector<Boundary> cut_candidates(const Ink& ink, const Grouping& grouping, int g) {
  const Group& group = grouping.groups[g];
  const float h = grouping.digit_height;
  const float y_mid = (group.y0 + group.y1) / 2.0f;
  const int from = static_cast<int>(std::ceil(group.x0 + kMinCutSide * h));
  const int to = static_cast<int>(std::floor(group.x1 - kMinCutSide * h));
  struct Candidate {
    int cost;
    float x, slope;
  };
  std::vector<Candidate> all;
  const int window = std::max(1, static_cast<int>(kMinimumWindow * h));
  std::vector<int> cost;
  for (float slope : {0.0f, -0.18f, 0.18f, -0.36f, 0.36f}) {
    cost.clear();
    for (int c = from; c <= to; ++c) {
      int n = 0;
      for (int y = group.y0; y <= group.y1; ++y) {
        const int x = static_cast<int>(std::lround(c + slope * (y - y_mid)));
        if (x < 0 || x >= ink.width) continue;
        const std::size_t i = static_cast<std::size_t>(y) * ink.width + x;
        if (ink.core(i) && grouping.group_of[ink.piece[i]] == g) ++n;
      }
      cost.push_back(n);
    }
    // Local minima of the profile: the first of the least within the window.
    for (int c = 0; c < static_cast<int>(cost.size()); ++c) {
      bool minimum = true;
      for (int d = std::max(0, c - window); d <= std::min(static_cast<int>(cost.size()) - 1, c + window) && minimum;
           ++d) {
        minimum = cost[d] > cost[c] || (cost[d] == cost[c] && d >= c);
      }
      if (minimum) all.push_back({cost[c], static_cast<float>(from + c), slope});
    }
  }
  std::stable_sort(all.begin(), all.end(), [](const Candidate& a, const Candidate& b) { return a.cost < b.cost; });
  const int wanted = static_cast<int>(std::ceil(group.width() / (kCutsPerHeight * h))) + 1;
  std::vector<Boundary> cuts;
  for (const Candidate& c : all) {
    if (static_cast<int>(cuts.size()) >= wanted) break;
    const bool near = std::any_of(cuts.begin(), cuts.end(),
                                  [&](const Boundary& b) { return std::fabs(b.x - c.x) < kCutSpacing * h; });
    if (!near) cuts.push_back({g, true, c.x, c.slope, y_mid, false});
  }
  std::sort(cuts.begin(), cuts.end(), [](const Boundary& a, const Boundary& b) { return a.x < b.x; });
  return cuts;
}

// Start, the gaps between groups (forced where wide) and the cut candidates
// of wide groups, in order.
std::vector<Boundary> boundaries(const Ink& ink, const Grouping& grouping, const std::function<bool(int)>& try_cuts) {
  const std::vector<Group>& groups = grouping.groups;
  const float h = grouping.digit_height;
  std::vector<Boundary> b;
  b.push_back({0, false, 0, 0, 0, true});
  for (int g = 0; g < static_cast<int>(groups.size()); ++g) {
    if (groups[g].width() > kWideAspect * h && try_cuts(g)) {
      for (const Boundary& cut : cut_candidates(ink, grouping, g)) b.push_back(cut);
    }
    if (g + 1 < static_cast<int>(groups.size())) {
      const int gap = groups[g + 1].x0 - groups[g].x1;
      b.push_back({g + 1, false, 0, 0, 0, gap > kForcedGap * h});
    }
  }
  b.push_back({static_cast<int>(groups.size()), false, 0, 0, 0, true});
  return b;
}

// =============================================================================
// [SECTION] Readings: the most confident split of each run of close ink
// =============================================================================

struct Part {  // the ink between two boundaries
  bool valid = false;
  Preprocessed input;
  int strokes = 0;
  bool cut = false;
  float score = 0;  // confidence x shape prior
  bool scored = false;
};

// Copies the ink between boundaries `a` and `b` (fringes included) into a
// buffer with a background margin, and preprocesses that: the digit's input
// is made exactly the way a canvas holding only it would be.
Part extract(const Ink& ink, const Grouping& grouping, const Boundary& a, const Boundary& b) {
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
      const std::size_t i = static_cast<std::size_t>(y) * ink.width + x;
      if (ink.piece[i] < 0) continue;
      const int g = grouping.group_of[ink.piece[i]];
      if (g < first || g > last || a.left(g, x, y) || !b.left(g, x, y)) continue;
      buffer[static_cast<std::size_t>(y - y0 + 2) * bw + (x - x0 + 2)] = ink.value[i];
      if (ink.core(i)) ++pixels;
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

// How much a part looks like one digit by its shape alone: digits are at
// most about as wide as tall, and not much lower than their neighbours.
float shape_prior(const Box& box, float digit_height) {
  const float aspect = static_cast<float>(box.width) / box.height;
  const float height = box.height / digit_height;
  float prior = 1;
  const float a0 = kWidestAspect;
  if (aspect > a0) prior *= std::exp(-2.5f * (aspect - a0));
  if (height < 0.45f) prior *= std::exp(-5.0f * (0.45f - height));
  return prior;
}

// Chooses, over the boundaries [from, to] (a run of close or wide groups),
// the split into parts whose scores multiply to the most: dynamic programming
// over the boundaries, each part scored once. Appends the chosen parts.
void read_run(const Ink& ink, const Grouping& grouping, const std::vector<Boundary>& bounds, int from, int to,
              const ConfidenceFn& confidence, int& calls, std::vector<Part>& out) {
  const float h = grouping.digit_height;
  std::map<std::pair<int, int>, Part> parts;
  auto whole_group = [&](int a, int b) {  // the part is exactly one group, as drawn
    return !bounds[a].cut && !bounds[b].cut && bounds[b].group == bounds[a].group + 1;
  };
  auto part = [&](int a, int b) -> Part& {
    Part& p = parts[{a, b}];
    if (p.scored) return p;
    p.scored = true;
    // A cheap bound on the width before any pixel is touched.
    const Boundary &ba = bounds[a], &bb = bounds[b];
    const float left = ba.cut ? ba.x : grouping.groups[ba.group].x0;
    const float right = bb.cut ? bb.x : grouping.groups[bb.group - 1].x1;
    if (right - left > kMaxSegmentWidth * h * 1.2f && !whole_group(a, b)) return p;
    Part made = extract(ink, grouping, ba, bb);
    made.scored = true;
    if (made.valid && made.input.ink.width > kMaxSegmentWidth * h && !whole_group(a, b)) made.valid = false;
    if (made.valid) {
      if (calls < kMaxCalls) {
        ++calls;
        const float penalty = !bb.cut                                                  ? 1.0f
                              : grouping.groups[bb.group].width() > kSeveralDigits * h ? kCutPenaltyWide
                                                                                       : kCutPenalty;
        made.score = confidence(made.input.image) * shape_prior(made.input.ink, h) * penalty;
      } else {
        made.valid = whole_group(a, b);  // out of budget: only the groups as drawn
        made.score = 0.5f;
      }
    }
    p = std::move(made);
    return p;
  };

  const int n = to - from + 1;
  std::vector<double> best(n, -1e30);
  std::vector<int> previous(n, -1);
  best[0] = 0;
  for (int j = 1; j < n; ++j) {
    for (int i = j - 1; i >= 0; --i) {
      if (best[i] <= -1e29) continue;
      const Part& p = part(from + i, from + j);
      if (p.valid) {
        const double s = best[i] + std::log(std::max(p.score, 1e-6f));
        if (s > best[j]) best[j] = s, previous[j] = i;
      }
    }
  }
  std::vector<int> chosen;
  for (int j = n - 1; j > 0; j = previous[j]) {
    if (previous[j] < 0) return;  // cannot happen: the groups as drawn are always a reading
    chosen.push_back(j);
  }
  std::reverse(chosen.begin(), chosen.end());
  int i = 0;
  for (int j : chosen) {
    out.push_back(std::move(parts[{from + i, from + j}]));
    i = j;
  }
}

}  // namespace

// =============================================================================
// [SECTION] segment()
// =============================================================================

Segmentation segment(const float* pixels, int width, int height, const ConfidenceFn& confidence) {
  Segmentation s;
  s.inverted = light_background(pixels, width, height);
  const Ink ink = find_ink(pixels, width, height, s.inverted);
  if (ink.total == 0 || ink.total < kMinInkFraction * width * height) return s;
  const Grouping grouping = group_pieces(ink.pieces);
  // A group not much wider than a digit that reads as one with confidence is one.
  auto try_cuts = [&](int g) {
    if (grouping.groups[g].width() > kSureWidth * grouping.digit_height) return true;
    const Part whole = extract(ink, grouping, {g, false, 0, 0, 0, true}, {g + 1, false, 0, 0, 0, true});
    ++s.classifier_calls;
    return !whole.valid || confidence(whole.input.image) < kSureConfidence;
  };
  const std::vector<Boundary> bounds = boundaries(ink, grouping, try_cuts);

  // One group of every piece, narrow enough to be one digit: today's input, no classifier call.
  const bool specks = std::count(grouping.group_of.begin(), grouping.group_of.end(), -1) > 0;
  if (bounds.size() == 2 && !specks) {
    s.digits.push_back({preprocess(pixels, width, height), static_cast<int>(ink.pieces.size()), false});
    return s;
  }

  std::vector<Part> parts;
  for (int from = 0; from + 1 < static_cast<int>(bounds.size());) {
    int to = from + 1;
    while (!bounds[to].forced) ++to;
    if (to == from + 1) {
      parts.push_back(extract(ink, grouping, bounds[from], bounds[to]));
    } else {
      read_run(ink, grouping, bounds, from, to, confidence, s.classifier_calls, parts);
    }
    from = to;
  }
  for (Part& p : parts) {
    if (p.valid) s.digits.push_back({p.input, p.strokes, p.cut});
  }
  // Read as one uncut digit after all: exactly the input a lone digit gets.
  if (s.digits.size() == 1 && !s.digits[0].cut && !specks) s.digits[0].input = preprocess(pixels, width, height);
  return s;
}

}  // namespace digits
