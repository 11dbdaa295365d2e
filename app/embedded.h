// Data compiled into the app by cmake/embed.cmake: the shipped weights file
// and the first digits of the MNIST training set (images at 16 grey levels,
// labels), the replay set of "learn my handwriting" and "Try an MNIST digit".
#pragma once

#include <cstddef>

extern const unsigned char embedded_weights[];
extern const std::size_t embedded_weights_size;
extern const unsigned char embedded_sample_images[];  // 28x28 bytes each
extern const std::size_t embedded_sample_images_size;
extern const unsigned char embedded_sample_labels[];
extern const std::size_t embedded_sample_labels_size;
extern const unsigned char embedded_font[];  // DejaVu Sans TTF
extern const std::size_t embedded_font_size;
