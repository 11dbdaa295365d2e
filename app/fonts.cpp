// Builds the ImGui font atlas from the embedded TTF.
#include "fonts.h"

#include <imgui.h>

#include "embedded.h"

namespace app {

Fonts load_fonts(float pixel_ratio) {
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  ImFontConfig config;
  config.FontDataOwnedByAtlas = false;  // the TTF lives in static storage
  void* ttf = const_cast<unsigned char*>(embedded_font);
  const int size = static_cast<int>(embedded_font_size);
  Fonts f;
  f.body = io.Fonts->AddFontFromMemoryTTF(ttf, size, 15.0f * pixel_ratio, &config);
  f.medium = io.Fonts->AddFontFromMemoryTTF(ttf, size, 28.0f * pixel_ratio, &config);
  f.large = io.Fonts->AddFontFromMemoryTTF(ttf, size, 96.0f * pixel_ratio, &config);
  io.FontGlobalScale = 1.0f / pixel_ratio;
  return f;
}

}  // namespace app
