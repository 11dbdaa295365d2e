// stb_image from libstb-dev, compiled here with static linkage.
#include "image_io.h"

#define STB_IMAGE_STATIC
#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#define STBI_ONLY_PNM
#include <stb/stb_image.h>

#include "digits/error.h"

namespace digits::train {

GrayImage read_gray_image(const std::string& path) {
  int w = 0, h = 0, channels = 0;
  stbi_uc* data = stbi_load(path.c_str(), &w, &h, &channels, 1);
  if (data == nullptr) throw Error(path + ": cannot read image (" + stbi_failure_reason() + ")");
  GrayImage img{w, h, std::vector<std::uint8_t>(data, data + static_cast<std::size_t>(w) * h)};
  stbi_image_free(data);
  return img;
}

}  // namespace digits::train
