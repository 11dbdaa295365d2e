// Composition of the numbers evaluation set.
#include "number_set.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <random>
#include <vector>

#include "digits/error.h"
#include "digits/idx.h"
#include "drawn_set.h"

#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>

namespace digits::train {
namespace {

constexpr float kInk = 0.2f;  // what preprocessing counts as ink
const char* const kGroups[] = {"apart", "near", "touching"};

// A grey image, 0 = background, 1 = ink.
struct Image {
  int width = 0, height = 0;
  std::vector<float> pixels;
  Image(int w, int h) : width(w), height(h), pixels(static_cast<std::size_t>(w) * h, 0.0f) {}
  float at(int x, int y) const {
    return (x < 0 || y < 0 || x >= width || y >= height) ? 0.0f : pixels[static_cast<std::size_t>(y) * width + x];
  }
};

// The digit drawn on a kDrawnCanvas canvas, cropped to its ink, scaled to
// `height` and sheared (`shear` > 0 leans it right), bilinearly.
Image digit_image(const std::vector<float>& canvas, float height, float shear) {
  int x0 = kDrawnCanvas, y0 = kDrawnCanvas, x1 = -1, y1 = -1;
  for (int y = 0; y < kDrawnCanvas; ++y) {
    for (int x = 0; x < kDrawnCanvas; ++x) {
      if (canvas[y * kDrawnCanvas + x] > 0) {
        x0 = std::min(x0, x), x1 = std::max(x1, x), y0 = std::min(y0, y), y1 = std::max(y1, y);
      }
    }
  }
  Image source(x1 - x0 + 1, y1 - y0 + 1);
  for (int y = 0; y < source.height; ++y) {
    for (int x = 0; x < source.width; ++x)
      source.pixels[y * source.width + x] = canvas[(y0 + y) * kDrawnCanvas + x0 + x];
  }
  const float scale = height / source.height;
  const int h = std::max(1, static_cast<int>(std::lround(height)));
  const float lean = std::fabs(shear) * h;
  Image out(static_cast<int>(std::ceil(source.width * scale + lean)) + 2, h);
  for (int y = 0; y < out.height; ++y) {
    const float offset = shear > 0 ? shear * (out.height - 1 - y) : -shear * y;  // top leans right for shear > 0
    for (int x = 0; x < out.width; ++x) {
      const float sx = (x + 0.5f - offset) / scale - 0.5f, sy = (y + 0.5f) / scale - 0.5f;
      const int ix = static_cast<int>(std::floor(sx)), iy = static_cast<int>(std::floor(sy));
      const float fx = sx - ix, fy = sy - iy;
      out.pixels[y * out.width + x] = (1 - fy) * ((1 - fx) * source.at(ix, iy) + fx * source.at(ix + 1, iy)) +
                                      fy * ((1 - fx) * source.at(ix, iy + 1) + fx * source.at(ix + 1, iy + 1));
    }
  }
  return out;
}

// Rightmost ink column of `canvas` per row (-1e9 where a row is blank),
// widened by a row up and down so that a gap measured against it keeps
// diagonal neighbours apart too.
std::vector<int> right_edge(const Image& canvas) {
  std::vector<int> edge(canvas.height, -1000000000);
  for (int y = 0; y < canvas.height; ++y) {
    for (int x = canvas.width - 1; x >= 0; --x) {
      if (canvas.pixels[y * canvas.width + x] > kInk) {
        for (int dy = -1; dy <= 1; ++dy) {
          if (y + dy >= 0 && y + dy < canvas.height) edge[y + dy] = std::max(edge[y + dy], x);
        }
        break;
      }
    }
  }
  return edge;
}

// Whether `digit` placed at (px, py) has ink 8-adjacent to (or on) ink of `canvas`.
bool touches(const Image& canvas, const Image& digit, int px, int py) {
  for (int y = 0; y < digit.height; ++y) {
    for (int x = 0; x < digit.width; ++x) {
      if (digit.pixels[y * digit.width + x] <= kInk) continue;
      for (int dy = -1; dy <= 1; ++dy) {
        for (int dx = -1; dx <= 1; ++dx) {
          if (canvas.at(px + x + dx, py + y + dy) > kInk) return true;
        }
      }
    }
  }
  return false;
}

// The x where `digit` (top at `py`) leaves exactly `gap` pixels between its
// ink and the ink already on `canvas`, row by row (negative: overlap).
int place_at_gap(const Image& canvas, const Image& digit, int py, int gap) {
  const std::vector<int> edge = right_edge(canvas);
  int x = -1000000000;
  for (int y = 0; y < digit.height; ++y) {
    const int row = py + y;
    if (row < 0 || row >= canvas.height || edge[row] < 0) continue;
    for (int dx = 0; dx < digit.width; ++dx) {
      if (digit.pixels[y * digit.width + dx] > kInk) {
        x = std::max(x, edge[row] + 1 + gap - dx);
        break;
      }
    }
  }
  return x;
}

// Draws `digit` (number `id`, from 1) on `canvas`; `owner` keeps, per pixel,
// the digit whose ink there is strongest.
void stamp(Image& canvas, std::vector<std::uint8_t>& owner, const Image& digit, int id, int px, int py) {
  for (int y = 0; y < digit.height; ++y) {
    for (int x = 0; x < digit.width; ++x) {
      const std::size_t i = static_cast<std::size_t>(py + y) * canvas.width + px + x;
      const float d = digit.pixels[y * digit.width + x];
      if (d > kInk && d > canvas.pixels[i]) owner[i] = static_cast<std::uint8_t>(id);
      canvas.pixels[i] = std::max(canvas.pixels[i], d);
    }
  }
}

void write_png(const std::string& path, const Image& image) {
  std::vector<std::uint8_t> bytes(image.pixels.size());
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    bytes[i] = static_cast<std::uint8_t>(std::lround(255 * std::clamp(image.pixels[i], 0.0f, 1.0f)));
  }
  if (stbi_write_png(path.c_str(), image.width, image.height, 1, bytes.data(), image.width) == 0) {
    throw Error(path + ": cannot write");
  }
}

void write_owner(const std::string& path, int width, int height, const std::vector<std::uint8_t>& owner) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) throw Error(path + ": cannot write");
  std::fprintf(f, "P5\n%d %d\n255\n", width, height);
  const bool written = std::fwrite(owner.data(), 1, owner.size(), f) == owner.size();
  if (std::fclose(f) != 0 || !written) throw Error(path + ": cannot write");
}

struct Number {
  Image image{0, 0};
  std::vector<std::uint8_t> owner;  // per pixel: 1 + the digit with the most ink there, 0: none
};

// One number of `group` (0 apart, 1 near, 2 touching); returns its canvas and fills `number`.
// Its MNIST digits come from `source` at `indices` (any of its images when empty).
Number compose(int group, const Dataset& source, const std::vector<int>& indices, std::mt19937& rng,
               std::string& number) {
  std::uniform_real_distribution<float> u(-1.0f, 1.0f), p(0.0f, 1.0f);
  const int count = 2 + static_cast<int>(rng() % 5);
  const float height = 70 + 100 * p(rng), shear = 0.05f + 0.25f * u(rng), drift = 0.08f * u(rng);
  std::vector<Image> digits;
  number.clear();
  for (int i = 0; i < count; ++i) {
    std::vector<float> canvas(kDrawnCanvas * kDrawnCanvas, 0.0f);
    int label = 0;
    if (rng() % 2 == 0) {
      const int index = indices.empty() ? static_cast<int>(rng() % static_cast<unsigned>(source.images.count))
                                        : indices[rng() % indices.size()];
      label = source.labels[index];
      draw_mnist_digit(source.images.image(index), rng, canvas);
    } else {
      label = static_cast<int>(rng() % 10);
      draw_stroke_digit(label, rng, canvas);
    }
    number += static_cast<char>('0' + label);
    digits.push_back(digit_image(canvas, height * (0.9f + 0.2f * p(rng)), shear));
  }

  const int margin = static_cast<int>(0.3f * height) + 4;
  int width = 2 * margin, tall = 0;
  for (const Image& d : digits) width += d.width + static_cast<int>(height / 2), tall = std::max(tall, d.height);
  Image canvas(width, tall + static_cast<int>(0.1f * height * (count + 2)) + 2 * margin);
  std::vector<std::uint8_t> owner(canvas.pixels.size(), 0);
  // Bottoms on a drifting, jittered baseline.
  const float baseline = margin + tall + 0.05f * height + (drift < 0 ? -drift * height * (count - 1) : 0.0f);
  int x0 = canvas.width, x1 = 0, y0 = canvas.height, y1 = 0;
  for (int i = 0; i < count; ++i) {
    const Image& d = digits[i];
    const int py =
        std::clamp(static_cast<int>(std::lround(baseline + drift * height * i + 0.05f * height * u(rng))) - d.height, 0,
                   canvas.height - d.height);
    int px = margin;
    if (i > 0) {
      if (group == 0) {
        px = place_at_gap(canvas, d, py, static_cast<int>(height * (0.15f + 0.3f * p(rng))));
      } else if (group == 1) {
        px = place_at_gap(canvas, d, py, 2 + static_cast<int>(0.05f * height * p(rng)));
      } else {
        int gap = -static_cast<int>(0.08f * height * p(rng));
        px = place_at_gap(canvas, d, py, gap);
        while (!touches(canvas, d, px, py) && gap > -static_cast<int>(0.4f * height))
          px = place_at_gap(canvas, d, py, --gap);
      }
      if (px < -100000) px = x1 + 2 + static_cast<int>(0.2f * height);  // no shared rows: side by side
    }
    px = std::clamp(px, 0, canvas.width - d.width);
    stamp(canvas, owner, d, i + 1, px, py);
    x0 = std::min(x0, px), x1 = std::max(x1, px + d.width - 1);
    y0 = std::min(y0, py), y1 = std::max(y1, py + d.height - 1);
  }

  // Crop to the digits plus a margin.
  const int cx0 = std::max(0, x0 - margin), cy0 = std::max(0, y0 - margin);
  const int cx1 = std::min(canvas.width - 1, x1 + margin), cy1 = std::min(canvas.height - 1, y1 + margin);
  Number out;
  out.image = Image(cx1 - cx0 + 1, cy1 - cy0 + 1);
  out.owner.resize(out.image.pixels.size());
  for (int y = 0; y < out.image.height; ++y) {
    for (int x = 0; x < out.image.width; ++x) {
      const std::size_t i = static_cast<std::size_t>(y) * out.image.width + x;
      out.image.pixels[i] = canvas.at(cx0 + x, cy0 + y);
      out.owner[i] = owner[static_cast<std::size_t>(cy0 + y) * canvas.width + cx0 + x];
    }
  }
  return out;
}

}  // namespace

ComposedNumber compose_number(int group, const Dataset& source, const std::vector<int>& indices, std::mt19937& rng) {
  ComposedNumber out;
  Number made = compose(group, source, indices, rng, out.number);
  out.width = made.image.width;
  out.height = made.image.height;
  out.pixels = std::move(made.image.pixels);
  out.owner = std::move(made.owner);
  return out;
}

int write_number_set(const NumberSetOptions& o) {
  if (o.count <= 0) throw Error("number-set: --count must be positive");
  const Dataset test = load_mnist(o.data_dir, "t10k");
  std::filesystem::create_directories(o.out_dir);
  std::mt19937 rng(o.seed);
  std::string number;
  for (int i = 0; i < o.count; ++i) {
    const int group = i % 3;
    const Number made = compose(group, test, {}, rng, number);
    char name[64];
    std::snprintf(name, sizeof name, "%05d_%s_%s", i, kGroups[group], number.c_str());
    const std::string path = o.out_dir + "/" + name;
    write_png(path + ".png", made.image);
    if (o.truth) write_owner(path + ".truth", made.image.width, made.image.height, made.owner);
  }
  std::cerr << "wrote " << o.count << " numbers to " << o.out_dir << '\n';
  return 0;
}

}  // namespace digits::train
