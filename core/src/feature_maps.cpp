// Feature-map atlases and the saliency colour scale.
#include "digits/feature_maps.h"

#include <algorithm>
#include <cmath>

#include "digits/error.h"

namespace digits {

void layer_atlas(const Network::Layer& layer, Atlas& atlas) {
  if (layer.out.width != layer.out.height || layer.out.width < 2) {
    throw Error("feature maps: layer '" + layer.name + "' has no square maps to show");
  }
  const int count = layer.out.channels, tile = layer.out.width;
  const int columns = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(count))));
  const int rows = (count + columns - 1) / columns;
  atlas.count = count;
  atlas.tile = tile;
  atlas.columns = columns;
  atlas.side = std::max(columns, rows) * (tile + 1) - 1;
  atlas.pixels.assign(static_cast<std::size_t>(atlas.side) * atlas.side, 0.0f);
  atlas.peak = *std::max_element(layer.output.begin(), layer.output.end());
  const float scale = atlas.peak > 0 ? 1.0f / atlas.peak : 0.0f;
  const int plane = tile * tile;
  for (int c = 0; c < count; ++c) {
    const float* src = &layer.output[static_cast<std::size_t>(c) * plane];
    float* dst = &atlas.pixels[static_cast<std::size_t>(atlas.tile_y(c)) * atlas.side + atlas.tile_x(c)];
    for (int y = 0; y < tile; ++y) {
      for (int x = 0; x < tile; ++x) dst[y * atlas.side + x] = std::max(0.0f, src[y * tile + x] * scale);
    }
  }
}

std::array<std::uint8_t, 4> heat_colour(float v) {
  // The weakest 15% stays transparent: Grad-CAM's coarse map otherwise washes
  // the whole canvas in dark red. Above it red rises first, then green
  // (orange, yellow); opacity follows, so the drawing stays visible.
  const float t = std::clamp((v - 0.15f) / 0.85f, 0.0f, 1.0f);
  const auto byte = [](float x) { return static_cast<std::uint8_t>(std::lround(std::clamp(x, 0.0f, 1.0f) * 255)); };
  return {byte(0.6f + 0.8f * t), byte(1.2f * t - 0.2f), byte(t - 0.6f), byte(0.8f * std::pow(t, 0.7f))};
}

}  // namespace digits
