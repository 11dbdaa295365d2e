// Reader for the MNIST IDX files (images: magic 2051, labels: magic 2049).
// Every malformed input -- wrong magic, bad dimensions, truncation, trailing
// bytes, labels outside 0-9, image/label count mismatch -- is an Error.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace digits {

struct IdxImages {
  int count = 0, rows = 0, cols = 0;
  std::vector<std::uint8_t> pixels;  // count * rows * cols, row-major
  const std::uint8_t* image(int i) const { return pixels.data() + static_cast<std::size_t>(i) * rows * cols; }
};

IdxImages parse_idx_images(const void* data, std::size_t size, const std::string& source);
std::vector<std::uint8_t> parse_idx_labels(const void* data, std::size_t size, const std::string& source);

struct Dataset {
  IdxImages images;
  std::vector<std::uint8_t> labels;
};

// Reads `<dir>/<prefix>-images-idx3-ubyte` and `<dir>/<prefix>-labels-idx1-ubyte`
// (prefix "train" or "t10k") and checks they hold the same number of 28x28 items.
Dataset load_mnist(const std::string& dir, const std::string& prefix);

// 28x28 bytes -> floats in [0,1], the network's input.
void to_unit_floats(const std::uint8_t* pixels, float* out, int count);

}  // namespace digits
