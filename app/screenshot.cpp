// glReadPixels -> flipped rows -> stb_image_write PNG in memory -> the
// project's atomic file write (a killed app never leaves half a PNG).
#include "screenshot.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "digits/error.h"
#include "digits/model.h"
#include "gl.h"

#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>

namespace app {

bool save_screenshot(const std::string& path, int width, int height) {
  std::vector<std::uint8_t> pixels(static_cast<std::size_t>(width) * height * 4);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
  std::vector<std::uint8_t> flipped(pixels.size());
  const std::size_t row = static_cast<std::size_t>(width) * 4;
  for (int y = 0; y < height; ++y) {
    std::copy_n(&pixels[(height - 1 - y) * row], row, &flipped[y * row]);
  }
  std::string png;
  const auto append = [](void* out, void* data, int size) {
    static_cast<std::string*>(out)->append(static_cast<const char*>(data), static_cast<std::size_t>(size));
  };
  if (stbi_write_png_to_func(append, &png, width, height, 4, flipped.data(), static_cast<int>(row)) == 0) return false;
  try {
    digits::write_file_atomically(path, png);
    return true;
  } catch (const digits::Error&) {
    return false;
  }
}

}  // namespace app
