// Image decoding with stb_image from libstb-dev (compiled here, static
// linkage): bounds first, then decode to grey+alpha, then composite.
#include "image_io.h"

#define STB_IMAGE_STATIC
#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#define STBI_ONLY_PNM
#include <stb/stb_image.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <new>

#include "digits/error.h"
#include "digits/model.h"

namespace digits::train {
namespace {

std::string megapixels(std::uint64_t pixels) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", static_cast<double>(pixels) / 1e6);
  return text;
}

// stb leaves its reason unset (null) on some failures, running out of memory
// while inflating among them: building a message from that null was the
// segmentation fault under a 512 MB limit.
std::string failure_reason() {
  const char* reason = stbi_failure_reason();
  return reason != nullptr ? reason : "no reason given: most likely not enough memory";
}

std::string dimensions(int width, int height) { return std::to_string(width) + " x " + std::to_string(height); }

// The pixels as stb decoded them, in the file's own channels: 1 (grey),
// 2 (grey, alpha), 3 (RGB) or 4 (RGBA). Asking stb 2.27 to convert instead
// overflows its buffer on 16-bit PGM files (found by tests/fuzz/image_fuzz),
// so the conversion to grey is done here, with stb's own luma weights.
struct Decoded {
  const std::uint8_t* data;
  int channels;
  unsigned grey(std::size_t i) const {
    const std::uint8_t* p = data + i * static_cast<std::size_t>(channels);
    return channels >= 3 ? (p[0] * 77u + p[1] * 150u + p[2] * 29u) >> 8 : p[0];
  }
  unsigned alpha(std::size_t i) const {
    return channels % 2 == 0 ? data[(i + 1) * static_cast<std::size_t>(channels) - 1] : 255u;
  }
};

// A transparent pixel shows whatever lies behind it, so its stored colour
// means nothing (web canvases export black ink on transparent black, which
// read as grey is black on black). The opaque pixels are what was drawn: put
// them on the shade that contrasts with them, white behind dark strokes and
// black behind light ones.
void composite(const Decoded& in, std::size_t count, std::uint8_t* out) {
  double weighted = 0, coverage = 0;
  bool transparent = false;
  for (std::size_t i = 0; i < count; ++i) {
    const unsigned a = in.alpha(i);
    weighted += static_cast<double>(a) * in.grey(i);
    coverage += a;
    transparent = transparent || a < 255;
  }
  const unsigned behind = coverage > 0 && weighted / coverage < 128 ? 255 : 0;
  for (std::size_t i = 0; i < count; ++i) {
    const unsigned g = in.grey(i), a = in.alpha(i);
    out[i] = static_cast<std::uint8_t>(transparent ? (g * a + behind * (255 - a) + 127) / 255 : g);
  }
}

// stb 2.27 stores the first IDAT chunk with memcpy(NULL, p, 0) when that
// chunk is empty: undefined behaviour (found by tests/fuzz/image_fuzz) that
// lets the compiler drop stb's own "no IDAT" check that follows. Empty IDAT
// chunks carry nothing, so a PNG that has any is decoded from a copy without
// them; returns "" when there are none. The walk also refuses a chunk that
// claims more bytes than the file has left.
std::string without_empty_idat(const std::uint8_t* bytes, std::size_t size, const std::string& name) {
  static const std::uint8_t signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (size < 8 || !std::equal(signature, signature + 8, bytes)) return {};
  std::string kept(reinterpret_cast<const char*>(bytes), 8);
  bool dropped = false;
  std::size_t pos = 8;
  while (size - pos >= 12) {
    const std::size_t length = (std::size_t{bytes[pos]} << 24) | (std::size_t{bytes[pos + 1]} << 16) |
                               (std::size_t{bytes[pos + 2]} << 8) | bytes[pos + 3];
    // stb would allocate a chunk's claimed length (up to 2 GB) before reading it.
    if (length > size - pos - 12) {
      throw Error(name + ": truncated or corrupt PNG (a chunk claims " + std::to_string(length) + " bytes, " +
                  std::to_string(size - pos - 12) + " remain)");
    }
    const bool empty_idat = length == 0 && std::equal(bytes + pos + 4, bytes + pos + 8, "IDAT");
    if (!empty_idat) kept.append(reinterpret_cast<const char*>(bytes + pos), 12 + length);
    dropped = dropped || empty_idat;
    const bool end = std::equal(bytes + pos + 4, bytes + pos + 8, "IEND");
    pos += 12 + length;
    if (end) break;  // what follows IEND is not read
  }
  if (!dropped) return {};
  kept.append(reinterpret_cast<const char*>(bytes + pos), size - pos);
  return kept;
}

// stb 2.27 reads a PGM/PPM header's numbers into an int with no overflow
// check (undefined behaviour, found by tests/fuzz/image_fuzz). No valid width,
// height or maximum value has more than 9 digits: such a header is refused
// before stb reads it. Whitespace and # comments are skipped as stb does.
bool pnm_header_numbers_fit(const std::uint8_t* bytes, std::size_t size) {
  if (size < 2 || bytes[0] != 'P' || (bytes[1] != '5' && bytes[1] != '6')) return true;
  const auto space = [](std::uint8_t c) { return c == ' ' || (c >= '\t' && c <= '\r'); };
  std::size_t pos = 2;
  for (int number = 0; number < 3; ++number) {
    for (;;) {
      while (pos < size && space(bytes[pos])) ++pos;
      if (pos >= size || bytes[pos] != '#') break;
      while (pos < size && bytes[pos] != '\n' && bytes[pos] != '\r') ++pos;
    }
    std::size_t digits = 0;
    for (; pos < size && bytes[pos] >= '0' && bytes[pos] <= '9'; ++pos) ++digits;
    if (digits > 9) return false;
  }
  return true;
}

}  // namespace

GrayImage decode_gray_image(const void* data, std::size_t size, const std::string& name) {
  if (size > kMaxImageFileBytes) {
    throw Error(name + ": " + std::to_string(size) + " bytes, more than the limit of " +
                std::to_string(kMaxImageFileBytes) + " bytes for an image");
  }
  const auto* bytes = static_cast<const stbi_uc*>(data);
  const std::string cleaned = without_empty_idat(bytes, size, name);
  if (!cleaned.empty()) bytes = reinterpret_cast<const stbi_uc*>(cleaned.data());
  const int length = static_cast<int>(cleaned.empty() ? size : cleaned.size());
  if (!pnm_header_numbers_fit(bytes, size)) {
    throw Error(name + ": not a readable PNG or binary PGM/PPM image (a header number is out of range)");
  }
  int width = 0, height = 0, channels = 0;
  if (stbi_info_from_memory(bytes, length, &width, &height, &channels) == 0) {
    throw Error(name + ": not a readable PNG or binary PGM/PPM image (" + failure_reason() + ")");
  }
  const std::uint64_t pixels = static_cast<std::uint64_t>(width) * static_cast<std::uint64_t>(height);
  if (pixels > kMaxImagePixels) {
    throw Error(name + ": " + dimensions(width, height) + " pixels (" + megapixels(pixels) +
                " megapixels), more than the limit of " + megapixels(kMaxImagePixels) +
                " megapixels; scale the image down");
  }
  const std::string out_of_memory = name + ": not enough memory to decode a " + dimensions(width, height) + " image";
  int w = 0, h = 0;
  const std::unique_ptr<stbi_uc, void (*)(void*)> decoded(stbi_load_from_memory(bytes, length, &w, &h, &channels, 0),
                                                          stbi_image_free);
  if (decoded == nullptr) {
    const std::string reason = failure_reason();
    if (reason == "outofmem") throw Error(out_of_memory);
    throw Error(name + ": cannot decode the image (" + reason + ")");
  }
  // The header was read by the same decoder; a disagreement is a decoder bug, not the user's.
  if (w != width || h != height || channels < 1 || channels > 4) {
    throw Error(name + ": the decoder's header and pixels disagree (" + dimensions(w, h) + ", " +
                std::to_string(channels) + " channels)");
  }
  try {
    GrayImage img{w, h, std::vector<std::uint8_t>(static_cast<std::size_t>(pixels))};
    composite(Decoded{decoded.get(), channels}, img.pixels.size(), img.pixels.data());
    return img;
  } catch (const std::bad_alloc&) {
    throw Error(out_of_memory);
  }
}

GrayImage read_gray_image(const std::string& path) {
  std::string bytes;
  try {
    bytes = read_file(path, kMaxImageFileBytes);
  } catch (const std::bad_alloc&) {
    throw Error(path + ": not enough memory to read the file");
  }
  return decode_gray_image(bytes.data(), bytes.size(), path);
}

}  // namespace digits::train
