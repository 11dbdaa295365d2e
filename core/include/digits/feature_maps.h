// Pictures of what the network computed, shared by the app's "Inside the
// network" panel and `digits explain`: a layer's channels laid out as one
// square atlas of grey tiles (one texture in the app, one block of the PNG),
// and the colour scale of saliency maps.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "digits/inference.h"

namespace digits {

// Tiles of `tile` x `tile` pixels with a 1-pixel gap, `columns` to a row, in a
// `side` x `side` square (values in [0,1]; gaps and unused slots are 0).
struct Atlas {
  int side = 0, columns = 0, tile = 0, count = 0;
  float peak = 0;  // the layer's largest output: white in every tile
  std::vector<float> pixels;
  int tile_x(int i) const { return (i % columns) * (tile + 1); }
  int tile_y(int i) const { return (i / columns) * (tile + 1); }
};

// Lays out the output of a convolution or pooling layer, one tile per channel,
// all tiles on the layer's common scale (a weak channel looks weak). Reuses
// `atlas`'s buffer: no allocation once it has the size.
void layer_atlas(const Network::Layer& layer, Atlas& atlas);

// Saliency colour for v in [0,1] (RGBA): transparent below 0.15, then red
// through orange to nearly opaque yellow.
std::array<std::uint8_t, 4> heat_colour(float v);

}  // namespace digits
