// Grayscale -> RGBA upload.
#include "texture.h"

#include <algorithm>

#include "gl.h"

namespace app {

Texture::~Texture() {
  if (handle_ != 0) glDeleteTextures(1, &handle_);
}

void Texture::upload(const float* pixels, int side, bool smooth) { upload(pixels, side, side, smooth); }

void Texture::upload(const float* pixels, int width, int height, bool smooth) {
  if (handle_ == 0) glGenTextures(1, &handle_);
  ++uploads_;
  rgba_.resize(static_cast<std::size_t>(width) * height * 4);
  for (int i = 0; i < width * height; ++i) {
    const float v = std::clamp(pixels[i], 0.0f, 1.0f);
    // Ink is white; the background a dark slate so the canvas reads as a surface.
    rgba_[i * 4 + 0] = static_cast<std::uint8_t>(22 + v * (255 - 22));
    rgba_[i * 4 + 1] = static_cast<std::uint8_t>(26 + v * (255 - 26));
    rgba_[i * 4 + 2] = static_cast<std::uint8_t>(34 + v * (255 - 34));
    rgba_[i * 4 + 3] = 255;
  }
  glBindTexture(GL_TEXTURE_2D, handle_);
  const GLint filter = smooth ? GL_LINEAR : GL_NEAREST;
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, filter);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, filter);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, rgba_.data());
}

}  // namespace app
