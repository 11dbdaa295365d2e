// Letters, symbols, scribbles, shapes, crossed-out marks and Fashion-MNIST.
//
// [SECTION] Fonts
// [SECTION] Glyphs onto the canvas
// [SECTION] Scribbles, shapes and crossed-out marks
// [SECTION] NegativeSource
#include "negatives.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "digits/brush.h"
#include "digits/error.h"
#include "digits/model.h"

#define STBTT_STATIC
#define STB_TRUETYPE_IMPLEMENTATION
#include <stb/stb_truetype.h>
#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>

namespace digits::train {
namespace {

constexpr float kPi = 3.14159265f;
float uniform(std::mt19937& rng, float a, float b) { return std::uniform_real_distribution<float>(a, b)(rng); }
bool chance(std::mt19937& rng, float p) { return uniform(rng, 0.0f, 1.0f) < p; }

// [SECTION] Fonts

struct FontFile {
  const char* path;
  const char* package;
};

// Handwriting hands first; a few print faces for the way people print letters.
const std::vector<FontFile> kTrainFonts = {
    {"/usr/share/fonts/truetype/fifthhorseman/dkg.ttf", "fonts-dkg-handwriting"},
    {"/usr/share/fonts/truetype/fifthhorseman/dkgBd.ttf", "fonts-dkg-handwriting"},
    {"/usr/share/fonts/truetype/breip/Breip.ttf", "fonts-breip"},
    {"/usr/share/fonts/opentype/bwht/BecauseWeBuild-Regular.otf", "fonts-bwht"},
    {"/usr/share/fonts/opentype/bwht/BecauseWeConnect-Regular.otf", "fonts-bwht"},
    {"/usr/share/fonts/opentype/bwht/BecauseWeCreate-Regular.otf", "fonts-bwht"},
    {"/usr/share/fonts/truetype/femkeklaver/femkeklaver.ttf", "fonts-femkeklaver"},
    {"/usr/share/fonts/opentype/dancingscript/DancingScript-Regular.otf", "fonts-dancingscript"},
    {"/usr/share/fonts/opentype/comic-neue/ComicNeue-Regular.otf", "fonts-comic-neue"},
    {"/usr/share/fonts/opentype/comic-neue/ComicNeue-Bold.otf", "fonts-comic-neue"},
    {"/usr/share/fonts/truetype/humor-sans/Humor-Sans.ttf", "fonts-humor-sans"},
    {"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "fonts-dejavu-core"},
    {"/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf", "fonts-liberation"},
    {"/usr/share/fonts/truetype/freefont/FreeSans.ttf", "fonts-freefont-ttf"},
    {"/usr/share/fonts/truetype/freefont/FreeMono.ttf", "fonts-freefont-ttf"},
};
const std::vector<FontFile> kTestFonts = {
    {"/usr/share/fonts/truetype/fifthhorseman/dkgIt.ttf", "fonts-dkg-handwriting"},
    {"/usr/share/fonts/truetype/breip/breipfont.ttf", "fonts-breip"},
    {"/usr/share/fonts/opentype/bwht/BecauseWeLearn-Regular.otf", "fonts-bwht"},
    {"/usr/share/fonts/opentype/bwht/BecauseWeMentor-Regular.otf", "fonts-bwht"},
    {"/usr/share/fonts/opentype/bwht/BecauseWeOrganize-Regular.otf", "fonts-bwht"},
    {"/usr/share/fonts/opentype/dancingscript/DancingScript-Bold.otf", "fonts-dancingscript"},
    {"/usr/share/fonts/opentype/comic-neue/ComicNeue-Italic.otf", "fonts-comic-neue"},
    {"/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", "fonts-dejavu-core"},
    {"/usr/share/fonts/truetype/freefont/FreeSerif.ttf", "fonts-freefont-ttf"},
};

const std::string kLetters = "AEFHKLMNRVWXYdefhkmnprvwx";
const std::string kSymbols = "#%@+=*?<>~^";

}  // namespace

const std::string& negative_characters() {
  static const std::string all = kLetters + kSymbols;
  return all;
}

struct NegativeSource::Fonts {
  std::vector<std::string> bytes;
  std::vector<stbtt_fontinfo> info;
};

namespace {

// [SECTION] Glyphs onto the canvas

// Renders `codepoint` and maps it onto the canvas with a random slant,
// rotation and size. Returns false when the font has no such glyph.
bool draw_glyph(const stbtt_fontinfo& font, int codepoint, std::mt19937& rng, Canvas& c) {
  if (stbtt_FindGlyphIndex(&font, codepoint) == 0) return false;
  const float scale = stbtt_ScaleForPixelHeight(&font, 96.0f);
  int w = 0, h = 0, xoff = 0, yoff = 0;
  unsigned char* bitmap = stbtt_GetCodepointBitmap(&font, scale, scale, codepoint, &w, &h, &xoff, &yoff);
  if (bitmap == nullptr || w <= 0 || h <= 0) {
    stbtt_FreeBitmap(bitmap, nullptr);
    return false;
  }
  const float side = static_cast<float>(std::min(c.width, c.height));
  const float target = side * std::exp(uniform(rng, std::log(0.2f), std::log(0.85f)));
  const float s = target / std::max(w, h);
  const float slant = uniform(rng, -0.3f, 0.3f), angle = uniform(rng, -0.15f, 0.15f);
  const float ca = std::cos(angle), sa = std::sin(angle);
  const float cx = c.width / 2.0f + uniform(rng, -0.15f, 0.15f) * c.width;
  const float cy = c.height / 2.0f + uniform(rng, -0.15f, 0.15f) * c.height;
  // Inverse map: canvas -> glyph bitmap (rotation, then slant, then scale).
  for (int y = 0; y < c.height; ++y) {
    for (int x = 0; x < c.width; ++x) {
      const float dx = x + 0.5f - cx, dy = y + 0.5f - cy;
      const float rx = ca * dx + sa * dy, ry = -sa * dx + ca * dy;
      const float gx = (rx + slant * ry) / s + w / 2.0f, gy = ry / s + h / 2.0f;
      const int ix = static_cast<int>(std::floor(gx)), iy = static_cast<int>(std::floor(gy));
      if (ix < 0 || iy < 0 || ix >= w || iy >= h) continue;
      c.pixels[y * c.width + x] = std::max(c.pixels[y * c.width + x], bitmap[iy * w + ix] / 255.0f);
    }
  }
  stbtt_FreeBitmap(bitmap, nullptr);
  return true;
}

// Zhang-Suen thinning of the ink to one-pixel lines, then the lines drawn
// again with a round pen: a printed glyph becomes a pen-drawn one.
void restroke(Canvas& c, float radius) {
  const int W = c.width, H = c.height;
  std::vector<std::uint8_t> m(static_cast<std::size_t>(W) * H);
  for (std::size_t i = 0; i < m.size(); ++i) m[i] = c.pixels[i] > 0.5f;
  auto at = [&](int x, int y) { return (x < 0 || y < 0 || x >= W || y >= H) ? 0 : m[y * W + x]; };
  for (bool changed = true; changed;) {
    changed = false;
    for (int pass = 0; pass < 2; ++pass) {
      std::vector<int> remove;
      for (int y = 0; y < H; ++y) {
        for (int x = 0; x < W; ++x) {
          if (!m[y * W + x]) continue;
          const int p[8] = {at(x, y - 1), at(x + 1, y - 1), at(x + 1, y), at(x + 1, y + 1),
                            at(x, y + 1), at(x - 1, y + 1), at(x - 1, y), at(x - 1, y - 1)};
          int b = 0, a = 0;
          for (int k = 0; k < 8; ++k) {
            b += p[k];
            a += !p[k] && p[(k + 1) % 8];
          }
          if (b < 2 || b > 6 || a != 1) continue;
          const bool ok = pass == 0 ? !(p[0] && p[2] && p[4]) && !(p[2] && p[4] && p[6])
                                    : !(p[0] && p[2] && p[6]) && !(p[0] && p[4] && p[6]);
          if (ok) remove.push_back(y * W + x);
        }
      }
      for (int i : remove) m[i] = 0;
      changed |= !remove.empty();
    }
  }
  std::fill(c.pixels.begin(), c.pixels.end(), 0.0f);
  for (int y = 0; y < H; ++y)
    for (int x = 0; x < W; ++x)
      if (m[y * W + x]) paint_segment(c.pixels.data(), W, H, x + 0.5f, y + 0.5f, x + 0.5f, y + 0.5f, radius, false);
}

// [SECTION] Scribbles, shapes and crossed-out marks

std::vector<Stroke> scribble(std::mt19937& rng) {
  Stroke s;
  const int n = std::uniform_int_distribution<int>(5, 12)(rng);
  for (int i = 0; i < n; ++i) s.push_back({uniform(rng, 0.0f, 1.0f), uniform(rng, 0.0f, 1.0f)});
  return {s};
}

std::vector<Stroke> zigzag(std::mt19937& rng) {
  Stroke s;
  const int n = std::uniform_int_distribution<int>(4, 9)(rng);
  const bool vertical = chance(rng, 0.5f);
  for (int i = 0; i < n; ++i) {
    const float t = static_cast<float>(i) / (n - 1), side = (i % 2) ? 0.9f : 0.1f;
    s.push_back(vertical ? Point{side, t} : Point{t, side});
  }
  return {s};
}

std::vector<Stroke> spiral(std::mt19937& rng) {
  Stroke s;
  const float turns = uniform(rng, 1.5f, 3.0f), start = uniform(rng, 0.0f, 2 * kPi);
  for (int i = 0; i <= 48; ++i) {
    const float t = static_cast<float>(i) / 48, r = 0.05f + 0.45f * t;
    s.push_back({0.5f + r * std::cos(start + 2 * kPi * turns * t), 0.5f + r * std::sin(start + 2 * kPi * turns * t)});
  }
  return {s};
}

struct Shape {
  std::vector<Stroke> strokes;
  bool curved = false;  // drawn through its points (else straight, with corners)
};

Shape shape(std::mt19937& rng) {
  // (No squares, circles or drop shapes: drawn quickly they are zeros.)
  switch (std::uniform_int_distribution<int>(0, 7)(rng)) {
    case 0:  // triangle
      return {{{{0.5f, 0.05f}, {0.95f, 0.9f}, {0.05f, 0.9f}, {0.5f, 0.05f}}}};
    case 1:  // plus sign
      return {{{{0.5f, 0.05f}, {0.5f, 0.95f}}, {{0.05f, 0.5f}, {0.95f, 0.5f}}}};
    case 2: {  // five-pointed star
      Stroke s;
      for (int i = 0; i <= 5; ++i) {
        const float a = -kPi / 2 + i * 4 * kPi / 5;
        s.push_back({0.5f + 0.45f * std::cos(a), 0.52f + 0.45f * std::sin(a)});
      }
      return {{s}};
    }
    case 3:  // a cross
      return {{{{0.05f, 0.05f}, {0.95f, 0.95f}}, {{0.95f, 0.05f}, {0.05f, 0.95f}}}};
    case 4:  // arrow
      return {{{{0.05f, 0.5f}, {0.95f, 0.5f}}, {{0.7f, 0.25f}, {0.95f, 0.5f}, {0.7f, 0.75f}}}};
    case 5:  // check mark
      return {{{{0.08f, 0.55f}, {0.35f, 0.9f}, {0.92f, 0.08f}}}};
    case 6:  // smiley: a face, two eyes, a mouth
      return {{{{0.5f, 0.05f}, {0.95f, 0.5f}, {0.5f, 0.95f}, {0.05f, 0.5f}, {0.5f, 0.05f}},
               {{0.35f, 0.38f}},
               {{0.65f, 0.38f}},
               {{0.3f, 0.62f}, {0.5f, 0.76f}, {0.7f, 0.62f}}},
              true};
    case 7:  // wave
      return {{{{0.05f, 0.5f}, {0.25f, 0.3f}, {0.5f, 0.5f}, {0.75f, 0.7f}, {0.95f, 0.5f}}}, true};
    default:  // a long horizontal dash, or two
      if (chance(rng, 0.5f)) return {{{{0.05f, 0.5f}, {0.95f, 0.52f}}}};
      return {{{{0.05f, 0.35f}, {0.95f, 0.35f}}, {{0.05f, 0.65f}, {0.95f, 0.65f}}}};
  }
}

std::vector<Stroke> crossed_out(std::mt19937& rng) {
  std::vector<Stroke> s;
  const int lines = std::uniform_int_distribution<int>(3, 7)(rng);
  for (int i = 0; i < lines; ++i) {  // hatching
    const float t = (i + 0.5f) / lines;
    s.push_back({{0.05f, t * 0.9f + 0.05f}, {0.95f, t * 0.9f + 0.05f - uniform(rng, 0.1f, 0.4f)}});
  }
  if (chance(rng, 0.6f)) {  // and crossed through
    s.push_back({{0.05f, 0.05f}, {0.95f, 0.95f}});
    s.push_back({{0.95f, 0.05f}, {0.05f, 0.95f}});
  }
  return s;
}

}  // namespace

// [SECTION] NegativeSource

NegativeSource::NegativeSource(NegativeSplit split, const std::string& fashion_dir)
    : fonts_(std::make_unique<Fonts>()) {
  for (const FontFile& f : split == NegativeSplit::Train ? kTrainFonts : kTestFonts) {
    if (!std::filesystem::exists(f.path)) {
      throw Error(std::string(f.path) + ": font missing (install the Debian package " + f.package + ")");
    }
    fonts_->bytes.push_back(read_file(f.path, 64u << 20));
  }
  fonts_->info.resize(fonts_->bytes.size());
  for (std::size_t i = 0; i < fonts_->bytes.size(); ++i) {
    const auto* data = reinterpret_cast<const unsigned char*>(fonts_->bytes[i].data());
    if (!stbtt_InitFont(&fonts_->info[i], data, stbtt_GetFontOffsetForIndex(data, 0))) {
      throw Error((split == NegativeSplit::Train ? kTrainFonts : kTestFonts)[i].path +
                  std::string(": not a font stb_truetype can read"));
    }
  }
  if (!fashion_dir.empty()) fashion_ = load_mnist(fashion_dir, split == NegativeSplit::Train ? "train" : "t10k");
}

NegativeSource::~NegativeSource() = default;

int NegativeSource::font_count() const { return static_cast<int>(fonts_->info.size()); }

std::string NegativeSource::draw(std::mt19937& rng, Canvas& canvas) const {
  const float kind = uniform(rng, 0.0f, 1.0f);
  const float fashion_share = fashion_.images.count > 0 ? 0.1f : 0.0f;
  if (kind < fashion_share) {
    // A Fashion-MNIST item, scaled onto the canvas as it is.
    const int i = std::uniform_int_distribution<int>(0, fashion_.images.count - 1)(rng);
    const std::uint8_t* item = fashion_.images.image(i);
    for (int y = 0; y < canvas.height; ++y)
      for (int x = 0; x < canvas.width; ++x)
        canvas.pixels[y * canvas.width + x] = item[(y * 28 / canvas.height) * 28 + x * 28 / canvas.width] / 255.0f;
    return "fashion";
  }
  if (kind < fashion_share + 0.6f) {
    const bool letter = chance(rng, 0.75f);
    const std::string& set = letter ? kLetters : kSymbols;
    for (int attempt = 0; attempt < 8; ++attempt) {
      const auto& font = fonts_->info[std::uniform_int_distribution<std::size_t>(0, fonts_->info.size() - 1)(rng)];
      const char ch = set[std::uniform_int_distribution<std::size_t>(0, set.size() - 1)(rng)];
      if (!draw_glyph(font, ch, rng, canvas)) continue;
      if (chance(rng, 0.6f)) {
        const float side = static_cast<float>(std::min(canvas.width, canvas.height));
        restroke(canvas, std::max(0.8f, side * std::exp(uniform(rng, std::log(0.01f), std::log(0.06f)))));
      }
      return letter ? "letter" : "symbol";
    }
  }
  const PenStyle pen = random_pen(rng, canvas);
  const float pick = uniform(rng, 0.0f, 1.0f);
  if (pick < 0.3f) {
    const float which = uniform(rng, 0.0f, 1.0f);
    if (which < 0.5f)
      draw_strokes(scribble(rng), pen, rng, canvas);
    else if (which < 0.75f)
      draw_strokes(zigzag(rng), pen, rng, canvas, false);
    else
      draw_strokes(spiral(rng), pen, rng, canvas);
    return "scribble";
  }
  if (pick < 0.75f) {
    const Shape s = shape(rng);
    draw_strokes(s.strokes, pen, rng, canvas, s.curved);
    return "shape";
  }
  draw_strokes(crossed_out(rng), pen, rng, canvas, false);
  return "crossed-out";
}

int write_negative_set(const std::string& out_dir, int count, unsigned seed, const std::string& fashion_dir) {
  const NegativeSource source(NegativeSplit::Test, fashion_dir);
  std::filesystem::create_directories(out_dir);
  std::mt19937 rng(seed);
  for (int i = 0; i < count; ++i) {
    Canvas canvas(160, 160);
    const std::string kind = source.draw(rng, canvas);
    std::vector<std::uint8_t> bytes(canvas.pixels.size());
    for (std::size_t p = 0; p < bytes.size(); ++p)
      bytes[p] = static_cast<std::uint8_t>(std::lround(255 * canvas.pixels[p]));
    int size = 0;
    unsigned char* png = stbi_write_png_to_mem(bytes.data(), canvas.width, canvas.width, canvas.height, 1, &size);
    if (png == nullptr) throw Error(out_dir + ": cannot encode PNG");
    char name[64];
    std::snprintf(name, sizeof name, "/%05d_%s.png", i, kind.c_str());
    write_file_atomically(out_dir + name,
                          std::string(reinterpret_cast<const char*>(png), static_cast<std::size_t>(size)));
    STBIW_FREE(png);
  }
  std::cerr << "wrote " << count << " held-out negatives to " << out_dir << '\n';
  return 0;
}

bool NegativeSource::input(std::mt19937& rng, float* out) const {
  Canvas canvas(160, 160);
  draw(rng, canvas);
  return canvas_input(canvas, out);
}

}  // namespace digits::train
