// The app's fonts: DejaVu Sans (embedded) at three sizes, rasterised at the
// display's pixel density so text stays sharp on HiDPI screens.
#pragma once

struct ImFont;

namespace app {

struct Fonts {
  ImFont* body = nullptr;
  ImFont* medium = nullptr;
  ImFont* large = nullptr;
};

Fonts load_fonts(float pixel_ratio);

}  // namespace app
