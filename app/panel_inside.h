// "Inside the network": for the selected digit, every convolution's and
// pooling's feature maps as grey tiles (hover one to enlarge it), the 128
// dense activations as a strip and the 10 outputs, updated as the user
// draws; and "where it looks", a saliency overlay on the canvas for the
// predicted class (or the runner-up). Collapsed by default, so phones pay
// nothing until it is opened.
#pragma once

#include <array>
#include <cstdint>

#include "digits/feature_maps.h"
#include "digits/saliency.h"
#include "texture.h"

struct ImDrawList;

namespace app {

struct AppState;

struct InsidePanel {
  bool open = false;       // the header is expanded (I)
  bool overlay = false;    // saliency over the canvas (S)
  bool runner_up = false;  // ...for the runner-up instead of the answer (Shift+S)
  digits::SaliencyMethod method = digits::SaliencyMethod::GradCam;

  // What the textures and the map show, so they change only with the reading.
  struct Key {
    std::uint64_t reading = ~std::uint64_t{0}, model = 0;
    int selected = -1, label = -1;
    bool open = false, overlay = false;
    digits::SaliencyMethod method = digits::SaliencyMethod::GradCam;
    bool operator==(const Key& o) const;
  } shown;
  digits::Saliency saliency;
  std::array<digits::Atlas, 6> atlases;
  std::array<Texture, 6> textures;
  // The overlay's colour at every half input pixel (the map is 28x28).
  static constexpr int kOverlaySteps = 2 * digits::kImageSide;
  std::array<std::uint32_t, (kOverlaySteps + 1) * (kOverlaySteps + 1)> overlay_colours{};
  double milliseconds = 0;  // focus (prediction) + feature maps + saliency, last update
};

// The collapsing panel, `width` wide.
void inside_panel(AppState& s, float width);
// The overlay on the canvas drawn at `origin`, `scale` window pixels per canvas pixel.
void saliency_overlay(AppState& s, ImDrawList* draw_list, float origin_x, float origin_y, float scale);
// The S key: toggles the overlay; Shift+S toggles the runner-up's map (and shows it).
void toggle_saliency(InsidePanel& p, bool runner_up);
// The G key: Grad-CAM <-> gradient x input.
void toggle_saliency_method(InsidePanel& p);

}  // namespace app
