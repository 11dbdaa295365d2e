// Reads PNG and binary PGM/PPM files for `digits predict` as 8-bit grayscale,
// with every input bounded before it costs memory: the file size is checked
// before the file is read and the dimensions (from the header) before the
// pixels are decoded. 16-bit, palette, grey+alpha and RGBA images are
// converted; transparency is composited so that what was drawn is the ink.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace digits::train {

// A digit needs a few hundred pixels; these leave room for any scan or photo
// while bounding what one image can cost: decoding the largest allowed one
// takes about 0.5 GB (8-bit RGBA) to 1 GB (16-bit RGBA), and when memory runs
// out first the failure is reported, not a crash.
constexpr std::size_t kMaxImageFileBytes = 64u << 20;         // 64 MiB
constexpr std::uint64_t kMaxImagePixels = 64u * 1000 * 1000;  // 64 megapixels

struct GrayImage {
  int width = 0, height = 0;
  std::vector<std::uint8_t> pixels;  // row-major; either polarity (preprocess detects it)
};

// `name` is what messages call the image (its path). Throws digits::Error for
// a file that is too large, has too many pixels, cannot be decoded or does
// not fit in memory.
GrayImage decode_gray_image(const void* data, std::size_t size, const std::string& name);
GrayImage read_gray_image(const std::string& path);

}  // namespace digits::train
