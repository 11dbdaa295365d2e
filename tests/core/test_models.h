// Helpers shared by the core tests: random models and byte-level surgery on
// serialized weight files (to make files the public API refuses to write).
#pragma once

#include <cstdint>
#include <cstring>
#include <random>
#include <string>

#include "digits/model.h"

namespace testing {

// Random weights in a plausible range, batch-norm statistics included.
inline digits::Model random_model(unsigned seed) {
  digits::Model m = digits::make_blank_model();
  std::mt19937 rng(seed);
  std::normal_distribution<float> n(0.0f, 0.15f);
  std::uniform_real_distribution<float> var(0.5f, 2.0f);
  const auto& arch = digits::reference_architecture();
  for (std::size_t i = 0; i < m.tensors.size(); ++i) {
    const bool variance = arch.tensors[i].name.find("variance") != std::string::npos;
    for (float& v : m.tensors[i]) v = variance ? var(rng) : n(rng);
  }
  return m;
}

// Envelope layout written by cereal's portable binary archive:
// [endianness 1][magic 4][version 4][checksum 8][payload size 8][payload].
constexpr std::size_t kChecksumOffset = 1 + 4 + 4;
constexpr std::size_t kPayloadOffset = kChecksumOffset + 8 + 8;

inline void fix_checksum(std::string& file) {
  std::uint64_t h = 1469598103934665603ull;
  for (std::size_t i = kPayloadOffset; i < file.size(); ++i) {
    h ^= static_cast<unsigned char>(file[i]);
    h *= 1099511628211ull;
  }
  std::memcpy(&file[kChecksumOffset], &h, 8);  // little-endian host, as the archive writes
}

// Offset of the first float of the first tensor in a serialized (version 3) model.
inline std::size_t first_tensor_offset() {
  // payload: [endianness 1][descriptor size 8][descriptor][tensor count 4]
  //          [name size 8][name][encoding 1][value count 8][values]...
  const auto& arch = digits::reference_architecture();
  return kPayloadOffset + 1 + 8 + arch.descriptor.size() + 4 + 8 + arch.tensors[0].name.size() + 1 + 8;
}
// Offset of the first tensor's encoding byte.
inline std::size_t first_encoding_offset() { return first_tensor_offset() - 8 - 1; }

inline std::size_t descriptor_offset() { return kPayloadOffset + 1 + 8; }

}  // namespace testing
