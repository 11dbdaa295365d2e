// [SECTION] An RGB picture with nearest-neighbour blits and stb_easy_font captions
// [SECTION] The blocks: saliency row, feature-map atlases, dense strip, outputs
// [SECTION] explain()
#include "explain.h"

#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>
// stb_easy_font turns text into quads; the picture fills them (no font file needed).
#include <stb/stb_easy_font.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <vector>

#include "digits/error.h"
#include "digits/feature_maps.h"
#include "digits/inference.h"
#include "digits/model.h"
#include "digits/preprocess.h"
#include "digits/recognize.h"
#include "digits/saliency.h"
#include "image_io.h"

namespace digits::train {
namespace {

// [SECTION] An RGB picture with nearest-neighbour blits and stb_easy_font captions

using Rgba = std::array<std::uint8_t, 4>;
const Rgba kBackground = {22, 26, 34, 255}, kText = {200, 206, 218, 255}, kAccent = {84, 184, 255, 255};

struct Picture {
  int width, height;
  std::vector<std::uint8_t> rgb;
  Picture(int w, int h) : width(w), height(h), rgb(static_cast<std::size_t>(w) * h * 3) {
    for (int i = 0; i < w * h; ++i) std::copy(kBackground.begin(), kBackground.begin() + 3, &rgb[i * 3]);
  }
  // Alpha-blends `c` over pixel (x, y); outside the picture is ignored.
  void blend(int x, int y, const Rgba& c) {
    if (x < 0 || y < 0 || x >= width || y >= height) return;
    std::uint8_t* p = &rgb[(static_cast<std::size_t>(y) * width + x) * 3];
    for (int k = 0; k < 3; ++k) p[k] = static_cast<std::uint8_t>((c[k] * c[3] + p[k] * (255 - c[3]) + 127) / 255);
  }
  void fill(int x0, int y0, int w, int h, const Rgba& c) {
    for (int y = y0; y < y0 + h; ++y)
      for (int x = x0; x < x0 + w; ++x) blend(x, y, c);
  }
  // A grey image (values in [0,1]) scaled up `zoom` times: black to white.
  void grey(int x0, int y0, const float* v, int w, int h, int zoom) {
    for (int y = 0; y < h * zoom; ++y)
      for (int x = 0; x < w * zoom; ++x) {
        const auto g =
            static_cast<std::uint8_t>(std::lround(std::clamp(v[(y / zoom) * w + x / zoom], 0.0f, 1.0f) * 255));
        blend(x0 + x, y0 + y, {g, g, g, 255});
      }
  }
  void text(int x, int y, const std::string& s, const Rgba& c = kText) {
    static char buffer[99999];  // stb_easy_font: ~270 bytes per character
    std::vector<char> str(s.begin(), s.end());
    str.push_back('\0');
    const int quads = stb_easy_font_print(0, 0, str.data(), nullptr, buffer, sizeof buffer);
    // Each quad: 4 vertices of (x, y, z, colour) floats; drawn 2x for legibility.
    for (int q = 0; q < quads; ++q) {
      const float* v = reinterpret_cast<const float*>(buffer + q * 64);
      fill(x + static_cast<int>(2 * v[0]), y + static_cast<int>(2 * v[1]), static_cast<int>(2 * (v[8] - v[0])),
           static_cast<int>(2 * (v[9] - v[1])), c);
    }
  }
};

constexpr int kCaption = 26;  // height of a caption line (2x stb_easy_font)

// [SECTION] The blocks: saliency row, feature-map atlases, dense strip, outputs

// The 28x28 input in grey with a saliency map blended over it, `zoom` times.
void saliency_panel(Picture& pic, int x0, int y0, const std::array<float, kImageSize>& input,
                    const std::array<float, kImageSize>& map, int zoom) {
  pic.grey(x0, y0, input.data(), kImageSide, kImageSide, zoom);
  for (int y = 0; y < kImageSide * zoom; ++y)
    for (int x = 0; x < kImageSide * zoom; ++x) {
      // Sampled between pixel centres, as the app's overlay is.
      pic.blend(x0 + x, y0 + y, heat_colour(sample_map(map, (x + 0.5f) / zoom, (y + 0.5f) / zoom)));
    }
}

// The original image fitted into a `box` square, with the map laid over the
// digit through the placement preprocessing used.
void image_panel(Picture& pic, int x0, int y0, const GrayImage& img, bool inverted, const DigitReading& d,
                 const std::array<float, kImageSize>& map, int box) {
  const float scale = static_cast<float>(box) / std::max(img.width, img.height);
  const int w = static_cast<int>(img.width * scale), h = static_cast<int>(img.height * scale);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const float cx = (x + 0.5f) / scale, cy = (y + 0.5f) / scale;
      const int sx = std::min(img.width - 1, static_cast<int>(cx)), sy = std::min(img.height - 1, static_cast<int>(cy));
      std::uint8_t g = img.pixels[static_cast<std::size_t>(sy) * img.width + sx];
      if (inverted) g = static_cast<std::uint8_t>(255 - g);  // shown as the network reads it: light ink
      pic.blend(x0 + x, y0 + y, {g, g, g, 255});
      const auto uv = canvas_to_input(d.box, d.placement, cx, cy);
      pic.blend(x0 + x, y0 + y, heat_colour(sample_map(map, uv[0], uv[1])));
    }
}

std::string percent(float p) {
  char s[16];
  std::snprintf(s, sizeof s, "%.1f%%", 100.0 * p);
  return s;
}

}  // namespace

// [SECTION] explain()

int explain(const ExplainOptions& o) {
  // The pipeline the app and `digits predict` run; the network then holds
  // the chosen digit's activations.
  Recognizer recognizer(load_model(o.weights));
  const GrayImage img = read_gray_image(o.image);
  std::vector<float> canvas(img.pixels.size());
  for (std::size_t i = 0; i < canvas.size(); ++i) canvas[i] = img.pixels[i] / 255.0f;
  const Reading reading = recognizer.recognize(canvas.data(), img.width, img.height);
  if (reading.empty) throw Error(o.image + ": no digit found (the image is blank)");
  if (o.digit < 0 || o.digit >= static_cast<int>(reading.digits.size())) {
    throw Error(o.image + ": --digit " + std::to_string(o.digit) + " does not exist (the image reads as \"" +
                reading.number + "\", digits 0 to " + std::to_string(reading.digits.size() - 1) + ")");
  }
  const DigitReading& d = reading.digits[static_cast<std::size_t>(o.digit)];
  Network& network = recognizer.network();
  network.predict(d.input.data());
  const Probabilities& probabilities = d.probabilities;
  const int label = d.label, runner_up = d.runner_up;

  Saliency saliency;
  const auto cam = saliency.compute(network, d.input.data(), label, SaliencyMethod::GradCam);
  const auto gxi = saliency.compute(network, d.input.data(), label, SaliencyMethod::GradientTimesInput);
  const auto cam_runner = saliency.compute(network, d.input.data(), runner_up, SaliencyMethod::GradCam);

  constexpr int kZoom = 6, kPanel = kImageSide * kZoom, kMargin = 16, kColumn = 340, kWidth = 3 * kColumn + kMargin;
  const char* maps[] = {"conv1", "conv2", "pool1", "conv3", "conv4", "pool2"};
  std::vector<Atlas> atlases(6);
  std::vector<int> zooms(6);
  int atlas_rows_h[2] = {0, 0};
  for (int i = 0; i < 6; ++i) {
    layer_atlas(network.layer(maps[i]), atlases[i]);
    zooms[i] = std::max(1, (kColumn - 10) / atlases[i].side);
    atlas_rows_h[i / 3] = std::max(atlas_rows_h[i / 3], atlases[i].side * zooms[i]);
  }
  const int strip_h = 40, bars_h = 120;
  const int height = kMargin + kCaption + kMargin + kCaption + kPanel + kMargin + 2 * (kCaption + atlas_rows_h[0]) +
                     kMargin + kCaption + strip_h + kMargin + kCaption + bars_h + kCaption + kMargin;
  Picture pic(kWidth, height);
  int y = kMargin;
  pic.text(kMargin, y,
           o.image + ": " + std::to_string(label) + " (" + percent(probabilities[label]) + "), runner-up " +
               std::to_string(runner_up) + " (" + percent(probabilities[runner_up]) + ")",
           kAccent);
  y += kCaption + kMargin;

  // Saliency row.
  const std::string names[] = {"input 28x28", "Grad-CAM " + std::to_string(label),
                               "grad x input " + std::to_string(label), "runner-up " + std::to_string(runner_up),
                               "on the image"};
  for (int i = 0; i < 5; ++i) pic.text(kMargin + i * (kPanel + kMargin), y, names[i]);
  y += kCaption;
  const std::array<float, kImageSize> none{};
  saliency_panel(pic, kMargin, y, d.input, none, kZoom);
  saliency_panel(pic, kMargin + (kPanel + kMargin), y, d.input, cam, kZoom);
  saliency_panel(pic, kMargin + 2 * (kPanel + kMargin), y, d.input, gxi, kZoom);
  saliency_panel(pic, kMargin + 3 * (kPanel + kMargin), y, d.input, cam_runner, kZoom);
  image_panel(pic, kMargin + 4 * (kPanel + kMargin), y, img, reading.inverted, d, cam, kPanel);
  y += kPanel + kMargin;

  // Feature maps, three layers to a row, each on its layer's own scale.
  for (int row = 0; row < 2; ++row) {
    for (int k = 0; k < 3; ++k) {
      const int i = row * 3 + k;
      const Network::Layer& l = network.layer(maps[i]);
      const int x = kMargin + k * kColumn;
      pic.text(x, y,
               std::string(maps[i]) + ": " + std::to_string(l.out.channels) + " maps " + std::to_string(l.out.width) +
                   "x" + std::to_string(l.out.height));
      pic.grey(x, y + kCaption, atlases[i].pixels.data(), atlases[i].side, atlases[i].side, zooms[i]);
    }
    y += kCaption + atlas_rows_h[row];
  }
  y += kMargin;

  // The 128 dense activations as a strip of cells.
  const std::vector<float>& dense = network.features();
  const float peak = std::max(1e-6f, *std::max_element(dense.begin(), dense.end()));
  pic.text(kMargin, y, "dense1: 128 activations");
  y += kCaption;
  const int cell = (kWidth - 2 * kMargin) / static_cast<int>(dense.size());
  for (std::size_t j = 0; j < dense.size(); ++j) {
    const auto g = static_cast<std::uint8_t>(std::lround(std::clamp(dense[j] / peak, 0.0f, 1.0f) * 255));
    pic.fill(kMargin + static_cast<int>(j) * cell, y, cell - 1, strip_h, {g, g, g, 255});
  }
  y += strip_h + kMargin;

  // The 10 outputs.
  pic.text(kMargin, y, "outputs (probabilities)");
  y += kCaption;
  const int slot = (kWidth - 2 * kMargin) / kClasses;
  for (int c = 0; c < kClasses; ++c) {
    const int bar = std::max(1, static_cast<int>(std::lround(probabilities[c] * bars_h)));
    const Rgba colour = c == label ? kAccent : Rgba{108, 118, 140, 255};
    pic.fill(kMargin + c * slot + slot / 4, y + bars_h - bar, slot / 2, bar, colour);
    pic.text(kMargin + c * slot + slot / 2 - 5, y + bars_h + 4, std::to_string(c), c == label ? kAccent : kText);
  }

  if (stbi_write_png(o.output.c_str(), pic.width, pic.height, 3, pic.rgb.data(), pic.width * 3) == 0) {
    throw Error(o.output + ": cannot write the PNG (is the folder there and writable?)");
  }
  std::cout << o.image << ": digit " << o.digit << " of \"" << reading.number << "\": " << label << " ("
            << percent(probabilities[label]) << "), runner-up " << runner_up << " ("
            << percent(probabilities[runner_up]) << "); wrote " << o.output << " (" << pic.width << "x" << pic.height
            << ")\n";
  return 0;
}

}  // namespace digits::train
