// A 20x20 mosaic of 28x28 training inputs, written as one PNG.
#include "preview.h"

#include <cmath>
#include <cstdint>
#include <iostream>
#include <numeric>
#include <vector>

#include "digits/error.h"
#include "digits/idx.h"
#include "digits/model.h"
#include "negatives.h"
#include "neighbours.h"
#include "styles.h"

#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>

namespace digits::train {

int write_preview(const std::string& kind, const std::string& data_dir, const std::string& fashion_dir,
                  const std::string& output, unsigned seed) {
  constexpr int kGrid = 20, kCell = 30;
  std::vector<std::uint8_t> mosaic(kGrid * kCell * kGrid * kCell, 40);
  Dataset mnist;
  StyleSource styles;
  std::unique_ptr<NegativeSource> negatives;
  if (kind == "styles" || kind == "neighbours" || kind == "miscuts") {
    mnist = load_mnist(data_dir, "train");
    std::vector<int> all(static_cast<std::size_t>(mnist.images.count));
    std::iota(all.begin(), all.end(), 0);
    styles = make_style_source(mnist, all);
  } else if (kind == "negatives" || kind == "negatives-test") {
    negatives =
        std::make_unique<NegativeSource>(kind == "negatives" ? NegativeSplit::Train : NegativeSplit::Test, fashion_dir);
  } else {
    throw Error("preview: unknown kind '" + kind + "' (styles, neighbours, miscuts, negatives, negatives-test)");
  }
  std::mt19937 rng(seed);
  std::vector<float> image(kImageSize);
  for (int cell = 0; cell < kGrid * kGrid; ++cell) {
    int label = 0;
    const bool ok = negatives              ? negatives->input(rng, image.data())
                    : kind == "neighbours" ? neighbour_input(styles, rng, label, image.data())
                    : kind == "miscuts"    ? miscut_input(styles, rng, image.data())
                                           : style_input(cell % kGrid % kClasses, rng, styles, image.data());
    if (!ok) continue;
    const int ox = (cell % kGrid) * kCell + 1, oy = (cell / kGrid) * kCell + 1;
    for (int y = 0; y < kImageSide; ++y)
      for (int x = 0; x < kImageSide; ++x)
        mosaic[(oy + y) * kGrid * kCell + ox + x] = static_cast<std::uint8_t>(std::lround(255 * image[y * 28 + x]));
  }
  int size = 0;
  unsigned char* png = stbi_write_png_to_mem(mosaic.data(), kGrid * kCell, kGrid * kCell, kGrid * kCell, 1, &size);
  if (png == nullptr) throw Error(output + ": cannot encode PNG");
  const std::string bytes(reinterpret_cast<const char*>(png), static_cast<std::size_t>(size));
  STBIW_FREE(png);
  write_file_atomically(output, bytes);
  std::cerr << "wrote " << output << '\n';
  return 0;
}

}  // namespace digits::train
