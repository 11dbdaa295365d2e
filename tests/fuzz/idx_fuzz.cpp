// libFuzzer target: arbitrary bytes as IDX image and label files.
#include <cstddef>
#include <cstdint>

#include "digits/error.h"
#include "digits/idx.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const digits::IdxImages images = digits::parse_idx_images(data, size, "fuzz");
    if (images.count > 0) (void)images.image(images.count - 1)[images.rows * images.cols - 1];
  } catch (const digits::Error&) {
  }
  try {
    (void)digits::parse_idx_labels(data, size, "fuzz");
  } catch (const digits::Error&) {
  }
  return 0;
}
