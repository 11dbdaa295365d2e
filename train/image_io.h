// Reads PNG and PGM files as 8-bit grayscale (any size) for `digits predict`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace digits::train {

struct GrayImage {
  int width = 0, height = 0;
  std::vector<std::uint8_t> pixels;
};

GrayImage read_gray_image(const std::string& path);  // throws digits::Error

}  // namespace digits::train
