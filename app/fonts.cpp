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
  // Each size gets only the glyphs the UI prints in it: rasterising glyphs
  // is most of the start-up time of the page, the 96 px ones above all. Body
  // text: ASCII and Latin-1 (ImGui's default); medium headings and numbers:
  // ASCII; the large font shows a digit or '?': space to '@' (digits, signs).
  static const ImWchar kAscii[] = {0x0020, 0x007E, 0};
  static const ImWchar kDigitsAndSigns[] = {0x0020, 0x0040, 0};
  Fonts f;
  f.body = io.Fonts->AddFontFromMemoryTTF(ttf, size, 15.0f * pixel_ratio, &config);
  f.medium = io.Fonts->AddFontFromMemoryTTF(ttf, size, 28.0f * pixel_ratio, &config, kAscii);
  f.large = io.Fonts->AddFontFromMemoryTTF(ttf, size, 96.0f * pixel_ratio, &config, kDigitsAndSigns);
  io.FontGlobalScale = 1.0f / pixel_ratio;
  return f;
}

}  // namespace app
