// Whether a frame's picture differs from the one on screen. ImGui still runs
// every frame (hover delays, the drawing, the readings go on), but the page
// draws with WebGL only when something it shows changed: a page that sat idle
// kept both cores busy rasterising the same picture in software (headless
// Chromium: 19 CPU seconds in 10 idle seconds), and a reading then shared the
// CPU with that.
#pragma once

#include <cstdint>

struct ImDrawData;

namespace app {

class RedrawCheck {
 public:
  // True when ImGui's draw data, the framebuffer's size or any texture's
  // pixels (Texture::uploads) differ from the last frame it returned true for.
  bool changed(const ImDrawData& data, int framebuffer_width, int framebuffer_height);

 private:
  std::uint64_t shown_ = 0;  // fingerprint of the picture on screen; 0: none yet
};

}  // namespace app
