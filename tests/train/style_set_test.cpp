// The style benchmark set: each style's generator produces the form it
// claims, measured on the rendered pixels (holes, components, runs of ink,
// stroke width, ink box, lean), and the writer names its files so the label
// and the style can be read back.
#include "style_set.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <map>
#include <regex>

#include "digits/preprocess.h"
#include "image_io.h"

using namespace digits::train;

namespace {

// [SECTION] Measurements on a rendered image

struct Box {
  int x0 = 1 << 30, y0 = 1 << 30, x1 = -1, y1 = -1;
  int width() const { return x1 - x0 + 1; }
  int height() const { return y1 - y0 + 1; }
  void add(int x, int y) { x0 = std::min(x0, x), y0 = std::min(y0, y), x1 = std::max(x1, x), y1 = std::max(y1, y); }
};

struct Mask {
  int w = 0, h = 0;
  std::vector<char> on;
  bool at(int x, int y) const { return x >= 0 && y >= 0 && x < w && y < h && on[y * w + x]; }
};

Mask ink(const StyleImage& image) {
  Mask m{image.width, image.height, std::vector<char>(image.pixels.size())};
  for (std::size_t i = 0; i < m.on.size(); ++i) m.on[i] = image.pixels[i] > 0.5f;
  return m;
}

Box ink_box(const Mask& m) {
  Box b;
  for (int y = 0; y < m.h; ++y) {
    for (int x = 0; x < m.w; ++x) {
      if (m.at(x, y)) b.add(x, y);
    }
  }
  return b;
}

struct Component {
  int size = 0;
  Box box;
  double cx = 0, cy = 0;
  bool touches_border = false;
};

// Connected regions of pixels equal to `value` inside `region` (8-connected
// for ink, 4-connected for background, so a diagonal ink line closes a hole).
std::vector<Component> components(const Mask& m, bool value, Box region, int min_size = 1) {
  const bool eight = value;
  std::vector<int> seen(m.on.size(), 0);
  std::vector<Component> out;
  for (int y = region.y0; y <= region.y1; ++y) {
    for (int x = region.x0; x <= region.x1; ++x) {
      if (m.at(x, y) != value || seen[y * m.w + x]) continue;
      Component c;
      std::vector<std::pair<int, int>> stack{{x, y}};
      seen[y * m.w + x] = 1;
      while (!stack.empty()) {
        const auto [px, py] = stack.back();
        stack.pop_back();
        ++c.size, c.cx += px, c.cy += py;
        c.box.add(px, py);
        c.touches_border |= px == region.x0 || py == region.y0 || px == region.x1 || py == region.y1;
        for (int dy = -1; dy <= 1; ++dy) {
          for (int dx = -1; dx <= 1; ++dx) {
            if ((dx == 0 && dy == 0) || (!eight && dx != 0 && dy != 0)) continue;
            const int nx = px + dx, ny = py + dy;
            if (nx < region.x0 || ny < region.y0 || nx > region.x1 || ny > region.y1) continue;
            if (m.at(nx, ny) != value || seen[ny * m.w + nx]) continue;
            seen[ny * m.w + nx] = 1;
            stack.push_back({nx, ny});
          }
        }
      }
      c.cx /= c.size, c.cy /= c.size;
      if (c.size >= min_size) out.push_back(c);
    }
  }
  return out;
}

Box whole(const Mask& m) { return {0, 0, m.w - 1, m.h - 1}; }

// Enclosed background regions: the holes of loops.
std::vector<Component> holes(const Mask& m) {
  std::vector<Component> out;
  for (const Component& c : components(m, false, whole(m), 12)) {
    if (!c.touches_border) out.push_back(c);
  }
  return out;
}

// Stroke width: for each ink pixel the shortest run of ink through it along
// four directions (a stroke's width is the run across it), median over pixels.
double stroke_width(const Mask& m) {
  const int dirs[4][2] = {{1, 0}, {0, 1}, {1, 1}, {1, -1}};
  std::vector<double> widths;
  for (int y = 0; y < m.h; ++y) {
    for (int x = 0; x < m.w; ++x) {
      if (!m.at(x, y)) continue;
      double best = 1e9;
      for (const auto& d : dirs) {
        int run = 1;
        for (int k = 1; m.at(x + k * d[0], y + k * d[1]); ++k) ++run;
        for (int k = 1; m.at(x - k * d[0], y - k * d[1]); ++k) ++run;
        best = std::min(best, run * std::hypot(d[0], d[1]));
      }
      widths.push_back(best);
    }
  }
  std::nth_element(widths.begin(), widths.begin() + widths.size() / 2, widths.end());
  return widths[widths.size() / 2];
}

// Longest horizontal run of ink in rows [y0, y1]; `from`/`to` get its ends.
int longest_run(const Mask& m, int y0, int y1, int* from = nullptr, int* row = nullptr) {
  int best = 0;
  for (int y = y0; y <= y1; ++y) {
    for (int x = 0, run = 0; x <= m.w; ++x) {
      if (m.at(x, y)) {
        ++run;
      } else {
        if (run > best) {
          best = run;
          if (from) *from = x - run;
          if (row) *row = y;
        }
        run = 0;
      }
    }
  }
  return best;
}

// How far the ink leans: the slope of x against y (y down), so a digit whose
// top leans right has a negative lean.
double lean(const StyleImage& image) {
  double n = 0, sx = 0, sy = 0, sxy = 0, syy = 0;
  for (int y = 0; y < image.height; ++y) {
    for (int x = 0; x < image.width; ++x) {
      const double v = image.pixels[y * image.width + x];
      n += v, sx += v * x, sy += v * y, sxy += v * x * y, syy += v * y * y;
    }
  }
  const double mx = sx / n, my = sy / n;
  return (sxy / n - mx * my) / (syy / n - my * my);
}

// [SECTION] Sampling

// The form of `style` as drawn upright (no slant or rotation) but with the
// hand's wobble, 200 px tall with a 10 px pen.
StyleImage upright(const Style& style, std::mt19937& rng, float pen_radius = 5) {
  const StyleGlyph glyph = style.form(rng, style.label);
  Pose pose = upright_pose(200, pen_radius);
  const Pose drawn = style.pose(rng);
  pose.wobble = std::min(drawn.wobble, 0.015f);
  pose.wobble_waves = drawn.wobble_waves;
  return render_glyph(glyph, pose);
}

constexpr int kSamples = 40;

}  // namespace

TEST_CASE("a slashed zero has ink through the centre of its loop and a slash sticking out on a diagonal",
          "[train][style_set]") {
  std::mt19937 rng(1);
  for (int i = 0; i < kSamples; ++i) {
    const Mask m = ink(upright(find_style("slashed-zero"), rng));
    const auto inside = holes(m);
    INFO("sample " << i);
    REQUIRE(inside.size() >= 2);  // the slash splits the loop's inside
    Box loop;
    for (const Component& h : inside) loop.add(h.box.x0, h.box.y0), loop.add(h.box.x1, h.box.y1);
    const double cx = (loop.x0 + loop.x1) / 2.0, cy = (loop.y0 + loop.y1) / 2.0;
    // Outside the ring (its hole plus the stroke width): the slash's two ends.
    const double w = stroke_width(m), a = loop.width() / 2.0 + w, b = loop.height() / 2.0 + w;
    bool centre = false;  // ink within a stroke width of the loop's centre
    for (int y = static_cast<int>(cy - w); y <= cy + w; ++y) {
      for (int x = static_cast<int>(cx - w); x <= cx + w; ++x) centre |= m.at(x, y) && std::hypot(x - cx, y - cy) <= w;
    }
    CHECK(centre);
    int upper_right = 0, lower_left = 0;
    for (int y = 0; y < m.h; ++y) {
      for (int x = 0; x < m.w; ++x) {
        const double u = (x - cx) / a, v = (y - cy) / b;
        if (!m.at(x, y) || u * u + v * v < 1.1 * 1.1) continue;
        if (u > 0 && v < 0) ++upper_right;
        if (u < 0 && v > 0) ++lower_left;
      }
    }
    CHECK(upper_right > 0);
    CHECK(lower_left > 0);
  }
}

TEST_CASE("a dotted zero has a separate blob at the centre of its ring", "[train][style_set]") {
  std::mt19937 rng(2);
  for (int i = 0; i < kSamples; ++i) {
    const Mask m = ink(upright(find_style("dotted-zero"), rng));
    auto parts = components(m, true, whole(m), 4);
    INFO("sample " << i);
    REQUIRE(parts.size() == 2);
    std::sort(parts.begin(), parts.end(), [](const Component& p, const Component& q) { return p.size < q.size; });
    const Component &dot = parts[0], &ring = parts[1];
    const double rcx = (ring.box.x0 + ring.box.x1) / 2.0, rcy = (ring.box.y0 + ring.box.y1) / 2.0;
    CHECK(std::fabs(dot.cx - rcx) < 0.15 * ring.box.width());
    CHECK(std::fabs(dot.cy - rcy) < 0.15 * ring.box.height());
    CHECK(dot.box.width() < 0.3 * ring.box.width());
  }
}

TEST_CASE("a continental one has a long flag from the lower left joined to its stem and no base",
          "[train][style_set]") {
  std::mt19937 rng(3);
  for (int i = 0; i < kSamples; ++i) {
    const Mask m = ink(upright(find_style("continental-one"), rng));
    const Box b = ink_box(m);
    const double w = stroke_width(m);
    INFO("sample " << i);
    CHECK(components(m, true, whole(m), 4).size() == 1);
    const int foot = b.y1 - b.height() / 12;
    CHECK(longest_run(m, foot, b.y1) <= 2.2 * w);  // no base
    // The stem is where the bottom rows are; the flag is ink well left of it.
    const Box bottom = ink_box(Mask{m.w, m.h, [&] {
                                      auto on = m.on;
                                      std::fill(on.begin(), on.begin() + foot * m.w, 0);
                                      return on;
                                    }()});
    const double stem = (bottom.x0 + bottom.x1) / 2.0;
    int lowest = -1;
    for (int y = b.y0; y <= b.y1; ++y) {
      for (int x = 0; x < stem - 0.15 * b.height(); ++x) {
        if (m.at(x, y)) lowest = y;
      }
    }
    CHECK(lowest > b.y0 + 0.3 * b.height());  // the flag reaches a third of the way down
  }
}

TEST_CASE("a serif one has a base much wider than its stem; a plain one is a single narrow stroke",
          "[train][style_set]") {
  std::mt19937 rng(4);
  for (int i = 0; i < kSamples; ++i) {
    INFO("sample " << i);
    const Mask serif = ink(upright(find_style("serif-one"), rng));
    const Box b = ink_box(serif);
    const double w = stroke_width(serif);
    const int mid = (b.y0 + b.y1) / 2 + b.height() / 5;
    CHECK(longest_run(serif, mid, mid) <= 1.6 * w);
    CHECK(longest_run(serif, b.y1 - b.height() / 12, b.y1) >= 3 * longest_run(serif, mid, mid));

    const Mask plain = ink(upright(find_style("plain-one"), rng));
    const Box p = ink_box(plain);
    CHECK(p.width() < 0.25 * p.height());
  }
}

TEST_CASE("a crossed seven has a bar across its stem near mid-height; a plain seven does not", "[train][style_set]") {
  // Across a band a stroke width either side of each row between 40% and 65%
  // of the height, the widest spread of ink: a bar, or just the stem.
  auto widest = [](const Mask& m, int* left, int* right, int* row) {
    const Box b = ink_box(m);
    const int w = static_cast<int>(std::lround(stroke_width(m)));
    int best = 0;
    for (int y = b.y0 + b.height() * 4 / 10; y <= b.y0 + b.height() * 65 / 100; ++y) {
      Box band;
      for (int yy = y - w; yy <= y + w; ++yy) {
        for (int x = 0; x < m.w; ++x) {
          if (m.at(x, yy)) band.add(x, yy);
        }
      }
      if (band.width() > best) best = band.width(), *left = band.x0, *right = band.x1, *row = y;
    }
    return best;
  };
  std::mt19937 rng(5);
  for (int i = 0; i < kSamples; ++i) {
    INFO("sample " << i);
    const Mask crossed = ink(upright(find_style("crossed-seven"), rng));
    const Box b = ink_box(crossed);
    const double w = stroke_width(crossed);
    int left = 0, right = 0, row = 0;
    CHECK(widest(crossed, &left, &right, &row) >= 3.5 * w);
    // The stem goes on above and below the bar, inside its span: the bar crosses it.
    bool above = false, below = false;
    for (int x = left + static_cast<int>(w); x < right - w; ++x) {
      above |= crossed.at(x, row - static_cast<int>(0.12 * b.height()));
      below |= crossed.at(x, row + static_cast<int>(0.12 * b.height()));
    }
    CHECK(above);
    CHECK(below);

    const Mask plain = ink(upright(find_style("plain-seven"), rng));
    CHECK(widest(plain, &left, &right, &row) <= 2.5 * stroke_width(plain));
  }
}

TEST_CASE("an open four's two tops do not meet; a closed four's do", "[train][style_set]") {
  std::mt19937 rng(6);
  for (int i = 0; i < kSamples; ++i) {
    INFO("sample " << i);
    for (const char* name : {"open-four", "closed-four"}) {
      const Mask m = ink(upright(find_style(name), rng));
      Box top = ink_box(m);
      top.y1 = top.y0 + top.height() * 4 / 10;  // above the bar
      const std::size_t expected = std::string(name) == "open-four" ? 2 : 1;
      CHECK(components(m, true, top, 4).size() == expected);
    }
  }
}

TEST_CASE("a straight nine's tail stays at the right; a curved nine's curls to the left", "[train][style_set]") {
  std::mt19937 rng(7);
  for (int i = 0; i < kSamples; ++i) {
    INFO("sample " << i);
    for (const char* name : {"straight-nine", "curved-nine"}) {
      const Mask m = ink(upright(find_style(name), rng));
      const Box b = ink_box(m);
      int leftmost = b.x1;
      for (int y = b.y1 - b.height() / 5; y <= b.y1; ++y) {
        for (int x = b.x0; x <= b.x1; ++x) {
          if (m.at(x, y)) leftmost = std::min(leftmost, x);
        }
      }
      const double at = double(leftmost - b.x0) / b.width();
      if (std::string(name) == "straight-nine") CHECK(at > 0.5);
      if (std::string(name) == "curved-nine") CHECK(at < 0.4);
    }
  }
}

TEST_CASE("a looped two encloses a hole in its lower left", "[train][style_set]") {
  std::mt19937 rng(8);
  for (int i = 0; i < kSamples; ++i) {
    const Mask m = ink(upright(find_style("looped-two"), rng));
    const Box b = ink_box(m);
    INFO("sample " << i);
    bool lower_left = false;
    for (const Component& h : holes(m)) lower_left |= h.cx < b.x0 + 0.5 * b.width() && h.cy > b.y0 + 0.6 * b.height();
    CHECK(lower_left);
  }
}

TEST_CASE("a flat-topped three has a long straight top", "[train][style_set]") {
  std::mt19937 rng(9);
  for (int i = 0; i < kSamples; ++i) {
    const Mask m = ink(upright(find_style("flat-three"), rng));
    const Box b = ink_box(m);
    INFO("sample " << i);
    CHECK(longest_run(m, b.y0, b.y0 + b.height() * 8 / 100) >= 0.55 * b.width());
  }
}

TEST_CASE("open zeros, sixes and eights leave a loop open or overshoot out of it", "[train][style_set]") {
  // A loop left open has no hole; an overshoot closes it and sticks out on one
  // side by more than a stroke width.
  struct Case {
    const char* name;
    std::size_t closed_holes;
  };
  std::mt19937 rng(10);
  for (const Case c : {Case{"open-zero", 1}, Case{"open-six", 1}, Case{"open-eight", 2}}) {
    int open = 0, overshoot = 0;
    for (int i = 0; i < kSamples; ++i) {
      const Mask m = ink(upright(find_style(c.name), rng));
      const auto inside = holes(m);
      INFO(c.name << " sample " << i << ": " << inside.size() << " holes");
      if (inside.size() < c.closed_holes) {
        ++open;
        continue;
      }
      REQUIRE(inside.size() == c.closed_holes);
      Box loop, b = ink_box(m);
      for (const Component& h : inside) loop.add(h.box.x0, h.box.y0), loop.add(h.box.x1, h.box.y1);
      const int left = loop.x0 - b.x0, right = b.x1 - loop.x1, top = loop.y0 - b.y0, bottom = b.y1 - loop.y1;
      const std::string name = c.name;
      // Where each form's overshoot goes: a zero's anywhere round the ring,
      // a six's out across its stem to the left, an eight's up out of the top.
      const int out = name == "open-zero"  ? std::abs(left - right) + std::abs(top - bottom)
                      : name == "open-six" ? left - right
                                           : top - bottom;
      CHECK(out >= stroke_width(m));
      ++overshoot;
    }
    INFO(c.name);
    CHECK(open > 0);
    CHECK(overshoot > 0);
  }
}

TEST_CASE("pen styles: thin pens draw 1.5-3 px strokes, thick pens strokes over a tenth of the height",
          "[train][style_set]") {
  std::mt19937 rng(11);
  for (int i = 0; i < kSamples; ++i) {
    INFO("sample " << i);
    const StyleSample thin = generate_style(find_style("thin-pen"), rng, i % 10);
    const Mask t = ink(thin.image);
    CHECK(stroke_width(t) <= 3.0);
    CHECK(ink_box(t).height() >= 90);
    const StyleSample thick = generate_style(find_style("thick-pen"), rng, i % 10);
    const Mask k = ink(thick.image);
    CHECK(stroke_width(k) >= 0.1 * ink_box(k).height());
  }
}

TEST_CASE("size styles: tiny digits are 20-50 px tall, huge ones over 220 px", "[train][style_set]") {
  std::mt19937 rng(12);
  for (int i = 0; i < kSamples; ++i) {
    INFO("sample " << i);
    const Box tiny = ink_box(ink(generate_style(find_style("tiny"), rng, i % 10).image));
    CHECK(tiny.height() >= 20);
    CHECK(tiny.height() <= 50);
    const Box huge = ink_box(ink(generate_style(find_style("huge"), rng, i % 10).image));
    CHECK(huge.height() > 220);
  }
}

TEST_CASE("slant styles lean the ink the way they say, compared with the same digit drawn unslanted",
          "[train][style_set]") {
  std::mt19937 rng(13);
  for (int i = 0; i < kSamples; ++i) {
    INFO("sample " << i);
    for (const char* name : {"left-slant", "right-slant"}) {
      const StyleSample s = generate_style(find_style(name), rng, i % 10);
      Pose straight = s.pose;
      straight.shear = 0;
      const double change = lean(s.image) - lean(render_glyph(s.glyph, straight));
      // A right slant moves the top right: x falls as y (down) grows.
      if (std::string(name) == "right-slant") CHECK(change < -0.1);
      if (std::string(name) == "left-slant") CHECK(change > 0.1);
    }
  }
}

TEST_CASE("style-set writes every style, at least 100 of each by default, named index_style_label",
          "[train][style_set]") {
  CHECK(StyleSetOptions{}.count >= 100 * static_cast<int>(styles().size()));
  const auto dir = std::filesystem::temp_directory_path() / "digits_style_set_test";
  std::filesystem::remove_all(dir);
  StyleSetOptions o;
  o.out_dir = dir.string();
  o.count = 2 * static_cast<int>(styles().size());
  REQUIRE(write_style_set(o) == 0);
  const std::regex pattern(R"((\d{5})_([a-z-]+)_(\d)\.png)");
  std::map<std::string, int> per_style;
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    std::smatch match;
    INFO(name);
    REQUIRE(std::regex_match(name, match, pattern));
    const Style& style = find_style(match[2]);
    if (style.label >= 0) CHECK(std::stoi(match[3]) == style.label);
    ++per_style[match[2]];
    ++files;
    const GrayImage image = read_gray_image(entry.path().string());
    CHECK_FALSE(digits::preprocess(image.pixels.data(), image.width, image.height).empty);
  }
  CHECK(files == o.count);
  for (const Style& s : styles()) CHECK(per_style[s.name] == 2);
  std::filesystem::remove_all(dir);
  CHECK_THROWS_WITH(find_style("cursive-five"), Catch::Contains("cursive-five"));
}
