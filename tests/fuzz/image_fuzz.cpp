// libFuzzer target: arbitrary bytes as an image file, through everything
// `digits predict` does with one: decode (with its size and pixel limits),
// preprocess and recognize with the shipped model. Each input must either be
// read or raise digits::Error -- never crash, leak, read out of bounds or
// allocate past -rss_limit_mb.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "digits/error.h"
#include "digits/model.h"
#include "digits/recognize.h"
#include "image_io.h"

namespace {

digits::Recognizer& recognizer() {
  static const std::unique_ptr<digits::Recognizer> shipped =
      std::make_unique<digits::Recognizer>(digits::load_model(DIGITS_SOURCE_DIR "/weights/mnist.dgw"));
  return *shipped;
}

}  // namespace

// Larger canvases run the same preprocessing and recognition code, only
// slower and with more memory under ASan: decoding sees every input, the
// rest only images up to this size (otherwise single inputs took 86 s).
constexpr std::size_t kMaxRecognizedPixels = 512 * 512;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  digits::Recognizer& r = recognizer();
  try {
    const digits::train::GrayImage img = digits::train::decode_gray_image(data, size, "fuzz");
    if (img.pixels.size() > kMaxRecognizedPixels) return 0;
    std::vector<float> unit(img.pixels.size());
    for (std::size_t i = 0; i < unit.size(); ++i) unit[i] = img.pixels[i] / 255.0f;
    const digits::Preprocessed pre = digits::preprocess(img.pixels.data(), img.width, img.height);
    if (!pre.empty) (void)r.classify(pre.image);
    (void)r.recognize(unit.data(), img.width, img.height);
  } catch (const digits::Error&) {
  }
  return 0;
}
