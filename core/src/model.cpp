// Weight file: serialization with cereal's portable binary archive, and every
// check a loaded file must pass before a network ever sees it.
#include "digits/model.h"

#include <algorithm>
#include <cereal/archives/portable_binary.hpp>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "digits/error.h"

namespace digits {
namespace {

constexpr char kMagic[4] = {'D', 'G', 'T', 'W'};
constexpr std::size_t kMaxString = 1 << 16;

std::uint64_t fnv1a(const std::string& bytes) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// cereal's own vector/string loaders trust the stored length and allocate it;
// these read the length first and refuse anything larger than `limit`.
template <class Archive>
void save_bytes(Archive& ar, const std::string& s) {
  ar(cereal::make_size_tag(static_cast<cereal::size_type>(s.size())));
  ar(cereal::binary_data(s.data(), s.size()));
}

template <class Archive>
void load_bytes(Archive& ar, std::string& s, std::size_t limit, const std::string& what) {
  cereal::size_type n = 0;
  ar(cereal::make_size_tag(n));
  if (n > limit)
    throw Error("corrupted: " + what + " claims " + std::to_string(n) + " bytes, more than the file holds");
  s.resize(n);
  ar(cereal::binary_data(&s[0], n));
}

template <class Archive>
void save_floats(Archive& ar, const std::vector<float>& v, TensorEncoding encoding, const std::string& name) {
  ar(cereal::make_size_tag(static_cast<cereal::size_type>(v.size())));
  if (encoding == TensorEncoding::Float32) {
    ar(cereal::binary_data(v.data(), v.size() * sizeof(float)));
    return;
  }
  std::vector<std::uint16_t> halves(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (std::fabs(v[i]) > 65504.0f) {
      throw Error("tensor " + name + " holds " + std::to_string(v[i]) + ", beyond float16's range: save as float32");
    }
    halves[i] = float_to_half(v[i]);
  }
  ar(cereal::binary_data(halves.data(), halves.size() * sizeof(std::uint16_t)));
}

template <class Archive>
void load_floats(Archive& ar, std::vector<float>& v, const TensorSpec& spec, TensorEncoding encoding) {
  cereal::size_type n = 0;
  ar(cereal::make_size_tag(n));
  if (n != static_cast<cereal::size_type>(spec.size)) {
    throw Error("tensor " + spec.name + " has " + std::to_string(n) + " values, the architecture expects " +
                std::to_string(spec.size));
  }
  v.resize(n);
  if (encoding == TensorEncoding::Float32) {
    ar(cereal::binary_data(v.data(), n * sizeof(float)));
    return;
  }
  std::vector<std::uint16_t> halves(n);
  ar(cereal::binary_data(halves.data(), n * sizeof(std::uint16_t)));
  for (std::size_t i = 0; i < n; ++i) v[i] = half_to_float(halves[i]);
}

// ---- Int8: symmetric quantisation with one scale per output channel ----

// Which values share a scale: value i belongs to output channel
// (i / inner) % channels. Convolution weights are [out][in][ky][kx]
// (inner = in * k * k), dense weights [in][out] (inner = 1).
struct ChannelLayout {
  std::uint32_t channels = 0, inner = 0;
};

// The layout of a convolution's or dense layer's weights; {0, 0} for any
// other tensor (those are never stored as int8).
ChannelLayout weight_layout(const TensorSpec& spec) {
  const LayerSpec& layer = reference_architecture().layers[spec.layer];
  const bool weights = spec.name.size() > 8 && spec.name.compare(spec.name.size() - 8, 8, ".weights") == 0;
  if (!weights) return {};
  if (layer.kind == LayerKind::Conv) {
    return {static_cast<std::uint32_t>(layer.out.channels),
            static_cast<std::uint32_t>(layer.in.channels * layer.kernel * layer.kernel)};
  }
  if (layer.kind == LayerKind::Dense) return {static_cast<std::uint32_t>(layer.out.size()), 1};
  return {};
}

// Stored inside the encoded tensor, after its value count:
// [channels u32][inner u32][channels float32 scales][one int8 per value].
// A channel's scale is its largest magnitude / 127, so every value is
// q * scale with q in [-127, 127], within half a step of the original.
template <class Archive>
void save_int8(Archive& ar, const std::vector<float>& v, const ChannelLayout& layout) {
  ar(cereal::make_size_tag(static_cast<cereal::size_type>(v.size())));
  std::vector<float> scales(layout.channels, 0.0f);
  for (std::size_t i = 0; i < v.size(); ++i) {
    float& s = scales[(i / layout.inner) % layout.channels];
    s = std::max(s, std::fabs(v[i]));
  }
  for (float& s : scales) s /= 127.0f;
  std::vector<std::int8_t> q(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) {
    const float s = scales[(i / layout.inner) % layout.channels];
    const long level = s > 0.0f ? std::lround(v[i] / s) : 0;
    q[i] = static_cast<std::int8_t>(std::clamp(level, -127L, 127L));
  }
  ar(layout.channels, layout.inner);
  ar(cereal::binary_data(scales.data(), scales.size() * sizeof(float)));
  ar(cereal::binary_data(q.data(), q.size()));
}

// `v` is already sized to the tensor's value count.
template <class Archive>
void load_int8(Archive& ar, std::vector<float>& v, const std::string& name) {
  ChannelLayout layout;
  ar(layout.channels, layout.inner);
  const std::uint64_t group = static_cast<std::uint64_t>(layout.channels) * layout.inner;
  if (layout.channels == 0 || layout.inner == 0 || group > v.size() || v.size() % group != 0) {
    throw Error("tensor " + name + ": int8 layout of " + std::to_string(layout.channels) + " channels x " +
                std::to_string(layout.inner) + " does not divide its " + std::to_string(v.size()) + " values");
  }
  std::vector<float> scales(layout.channels);
  ar(cereal::binary_data(scales.data(), scales.size() * sizeof(float)));
  for (std::size_t c = 0; c < scales.size(); ++c) {
    if (!std::isfinite(scales[c]) || scales[c] < 0.0f)
      throw Error("tensor " + name + ": int8 scale of channel " + std::to_string(c) + " is invalid (" +
                  std::to_string(scales[c]) + ")");
  }
  std::vector<std::int8_t> q(v.size());
  ar(cereal::binary_data(q.data(), q.size()));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = q[i] * scales[(i / layout.inner) % layout.channels];
}

// Works for both directions: Array is const when saving.
template <class Archive, class Array>
void fixed_array(Archive& ar, Array& a) {
  for (auto& x : a) ar(x);
}

// ---- Version 3: named tensors and keyed metadata ----

std::string number_text(double x) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.9g", x);
  return buffer;
}

template <class Values>
std::string list_text(const Values& values) {
  std::string s;
  for (const auto& v : values) s += (s.empty() ? "" : " ") + number_text(static_cast<double>(v));
  return s;
}

double parse_number(const std::string& text, const std::string& key) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(v))
    throw Error("metadata '" + key + "' is not a number ('" + text.substr(0, 40) + "')");
  return v;
}

template <class Array>
void parse_list(const std::string& text, const std::string& key, Array& out) {
  std::istringstream in(text);
  std::string item;
  std::size_t n = 0;
  while (in >> item) {
    if (n == out.size()) throw Error("metadata '" + key + "' has more than " + std::to_string(out.size()) + " values");
    out[n++] = static_cast<typename Array::value_type>(parse_number(item, key));
  }
  if (n != out.size())
    throw Error("metadata '" + key + "' has " + std::to_string(n) + " values, expected " + std::to_string(out.size()));
}

std::vector<std::pair<std::string, std::string>> metadata_entries(const Model& model) {
  const ModelMetadata& m = model.meta;
  std::vector<std::pair<std::string, std::string>> e = {
      {"dataset", m.dataset},
      {"training_config", m.training_config},
      {"trained_at", m.trained_at},
      {"epochs", std::to_string(m.epochs)},
      {"train_seconds", number_text(m.train_seconds)},
      {"validation_accuracy", number_text(m.validation_accuracy)},
      {"test_accuracy", number_text(m.test_accuracy)},
      {"precision", list_text(m.precision)},
      {"recall", list_text(m.recall)},
      {"f1", list_text(m.f1)},
  };
  std::string confusion;
  for (const auto& row : m.confusion) confusion += (confusion.empty() ? "" : " ") + list_text(row);
  e.emplace_back("confusion", confusion);
  if (m.temperature != 1.0f) e.emplace_back("calibration.temperature", number_text(m.temperature));
  for (const auto& [key, value] : m.properties) e.emplace_back("property." + key, value);
  const DigitScoreParams& d = model.digit_score;
  if (!d.empty()) {
    e.emplace_back("digit_score.method", d.method);
    e.emplace_back("digit_score.weights", list_text(d.weights));
    e.emplace_back("digit_score.threshold", number_text(d.threshold));
  }
  const Personalisation& p = model.personal;
  if (!p.empty()) {
    e.emplace_back("personal.base_model", p.base_model);
    e.emplace_back("personal.examples", list_text(p.examples));
    e.emplace_back("personal.steps", std::to_string(p.steps));
  }
  return e;
}

void apply_metadata(Model& model, const std::string& key, const std::string& value) {
  ModelMetadata& m = model.meta;
  auto number = [&] { return parse_number(value, key); };
  if (key == "dataset")
    m.dataset = value;
  else if (key == "training_config")
    m.training_config = value;
  else if (key == "trained_at")
    m.trained_at = value;
  else if (key == "epochs")
    m.epochs = static_cast<std::uint32_t>(number());
  else if (key == "train_seconds")
    m.train_seconds = number();
  else if (key == "validation_accuracy")
    m.validation_accuracy = static_cast<float>(number());
  else if (key == "test_accuracy")
    m.test_accuracy = static_cast<float>(number());
  else if (key == "precision")
    parse_list(value, key, m.precision);
  else if (key == "recall")
    parse_list(value, key, m.recall);
  else if (key == "f1")
    parse_list(value, key, m.f1);
  else if (key == "confusion") {
    std::array<std::uint32_t, kClasses * kClasses> flat{};
    parse_list(value, key, flat);
    for (int i = 0; i < kClasses * kClasses; ++i) m.confusion[i / kClasses][i % kClasses] = flat[i];
  } else if (key == "calibration.temperature") {
    m.temperature = static_cast<float>(number());
    if (!(m.temperature > 0.01f && m.temperature < 100.0f))
      throw Error("calibration temperature " + value + " is outside (0.01, 100)");
  } else if (key.compare(0, 9, "property.") == 0)
    m.properties[key.substr(9)] = value;
  else if (key == "digit_score.method")
    model.digit_score.method = value;
  else if (key == "digit_score.weights")
    parse_list(value, key, model.digit_score.weights);
  else if (key == "digit_score.threshold")
    model.digit_score.threshold = static_cast<float>(number());
  else if (key == "personal.base_model")
    model.personal.base_model = value;
  else if (key == "personal.examples")
    parse_list(value, key, model.personal.examples);
  else if (key == "personal.steps")
    model.personal.steps = static_cast<std::uint32_t>(number());
  // Any other key comes from a newer writer: skipped.
}

constexpr std::uint32_t kMaxEntries = 4096;

template <class Archive>
void save_payload(Archive& ar, const Model& model, TensorEncoding encoding) {
  const Architecture& arch = reference_architecture();
  save_bytes(ar, arch.descriptor);
  std::vector<std::pair<std::string, const std::vector<float>*>> tensors;
  for (std::size_t i = 0; i < model.tensors.size(); ++i) tensors.emplace_back(arch.tensors[i].name, &model.tensors[i]);
  if (!model.digit_score.empty()) {
    tensors.emplace_back("digit_score.means", &model.digit_score.means);
    tensors.emplace_back("digit_score.whitening", &model.digit_score.whitening);
  }
  ar(static_cast<std::uint32_t>(tensors.size()));
  for (std::size_t t = 0; t < tensors.size(); ++t) {
    const auto& [name, values] = tensors[t];
    save_bytes(ar, name);
    const bool architecture_tensor = t < arch.tensors.size();
    TensorEncoding e = architecture_tensor ? encoding : TensorEncoding::Float32;
    ChannelLayout layout;
    if (e == TensorEncoding::Int8) {
      layout = weight_layout(arch.tensors[t]);
      if (layout.channels == 0) e = TensorEncoding::Float32;  // biases and batch norm: too small to matter
    }
    ar(static_cast<std::uint8_t>(e));
    if (e == TensorEncoding::Int8)
      save_int8(ar, *values, layout);
    else
      save_floats(ar, *values, e, name);
  }
  const auto entries = metadata_entries(model);
  ar(static_cast<std::uint32_t>(entries.size()));
  for (const auto& [key, value] : entries) {
    save_bytes(ar, key);
    save_bytes(ar, value);
  }
}

// `limit`: bytes left in the payload; no tensor's values can take more.
template <class Archive>
void load_named_floats(Archive& ar, std::vector<float>& v, const std::string& name, std::size_t limit) {
  std::uint8_t code = 0;
  ar(code);
  if (code > static_cast<std::uint8_t>(TensorEncoding::Int8))
    throw Error("tensor " + name + " has an unknown encoding " + std::to_string(code));
  const auto encoding = static_cast<TensorEncoding>(code);
  const std::size_t value_bytes = encoding == TensorEncoding::Float32 ? 4 : encoding == TensorEncoding::Float16 ? 2 : 1;
  cereal::size_type n = 0;
  ar(cereal::make_size_tag(n));
  if (n > limit / value_bytes) throw Error("corrupted: tensor " + name + " claims " + std::to_string(n) + " values");
  v.resize(n);
  if (encoding == TensorEncoding::Float32) {
    ar(cereal::binary_data(v.data(), n * sizeof(float)));
  } else if (encoding == TensorEncoding::Int8) {
    load_int8(ar, v, name);
  } else {
    std::vector<std::uint16_t> halves(n);
    ar(cereal::binary_data(halves.data(), n * sizeof(std::uint16_t)));
    for (std::size_t i = 0; i < n; ++i) v[i] = half_to_float(halves[i]);
  }
}

template <class Archive>
Model load_payload_v3(Archive& ar, std::size_t payload_size) {
  const Architecture& arch = reference_architecture();
  std::string descriptor;
  load_bytes(ar, descriptor, kMaxString, "architecture descriptor");
  if (descriptor != arch.descriptor) {
    throw Error("wrong architecture: the file has '" + descriptor + "', this program runs '" + arch.descriptor + "'");
  }
  Model model;
  model.tensors.resize(arch.tensors.size());
  std::vector<bool> seen(arch.tensors.size(), false);
  std::uint32_t count = 0;
  ar(count);
  if (count > kMaxEntries) throw Error("corrupted: " + std::to_string(count) + " tensors");
  for (std::uint32_t t = 0; t < count; ++t) {
    std::string name;
    load_bytes(ar, name, kMaxString, "tensor name");
    std::vector<float> values;
    load_named_floats(ar, values, name, payload_size);
    const auto known =
        std::find_if(arch.tensors.begin(), arch.tensors.end(), [&](const TensorSpec& s) { return s.name == name; });
    if (known != arch.tensors.end()) {
      const auto i = static_cast<std::size_t>(known - arch.tensors.begin());
      if (static_cast<int>(values.size()) != known->size) {
        throw Error("tensor " + name + " has " + std::to_string(values.size()) + " values, the architecture expects " +
                    std::to_string(known->size));
      }
      model.tensors[i] = std::move(values);
      seen[i] = true;
    } else if (name == "digit_score.means") {
      model.digit_score.means = std::move(values);
    } else if (name == "digit_score.whitening") {
      model.digit_score.whitening = std::move(values);
    }  // any other tensor comes from a newer writer: skipped
  }
  for (std::size_t i = 0; i < seen.size(); ++i) {
    if (!seen[i]) throw Error("tensor " + arch.tensors[i].name + " is missing");
  }
  ar(count);
  if (count > kMaxEntries) throw Error("corrupted: " + std::to_string(count) + " metadata entries");
  for (std::uint32_t k = 0; k < count; ++k) {
    std::string key, value;
    load_bytes(ar, key, kMaxString, "metadata key");
    load_bytes(ar, value, kMaxString, "metadata '" + key + "'");
    apply_metadata(model, key, value);
  }
  return model;
}

// ---- Versions 1 and 2: tensors in architecture order, fixed metadata ----

template <class Archive>
Model load_payload_v1(Archive& ar, std::uint32_t version) {
  const Architecture& arch = reference_architecture();
  std::string descriptor;
  load_bytes(ar, descriptor, kMaxString, "architecture descriptor");
  if (descriptor != arch.descriptor) {
    throw Error("wrong architecture: the file has '" + descriptor + "', this program runs '" + arch.descriptor + "'");
  }
  std::uint32_t count = 0;
  ar(count);
  if (count != arch.tensors.size()) {
    throw Error("file has " + std::to_string(count) + " tensors, the architecture expects " +
                std::to_string(arch.tensors.size()));
  }
  TensorEncoding encoding = TensorEncoding::Float32;
  if (version >= 2) {
    std::uint8_t code = 0;
    ar(code);
    if (code > static_cast<std::uint8_t>(TensorEncoding::Float16)) {
      throw Error("unknown tensor encoding " + std::to_string(code));
    }
    encoding = static_cast<TensorEncoding>(code);
  }
  Model model;
  model.tensors.resize(count);
  for (std::size_t i = 0; i < count; ++i) load_floats(ar, model.tensors[i], arch.tensors[i], encoding);
  ModelMetadata& m = model.meta;
  load_bytes(ar, m.dataset, kMaxString, "dataset name");
  load_bytes(ar, m.training_config, kMaxString, "training configuration");
  load_bytes(ar, m.trained_at, kMaxString, "training date");
  ar(m.epochs, m.train_seconds, m.validation_accuracy, m.test_accuracy);
  fixed_array(ar, m.precision);
  fixed_array(ar, m.recall);
  fixed_array(ar, m.f1);
  for (auto& row : m.confusion) fixed_array(ar, row);
  return model;
}

bool finite(float x) { return std::isfinite(x); }

}  // namespace

std::uint16_t float_to_half(float value) {
  std::uint32_t bits = 0;
  std::memcpy(&bits, &value, sizeof bits);
  const auto sign = static_cast<std::uint16_t>((bits >> 16) & 0x8000u);
  const std::uint32_t magnitude = bits & 0x7fffffffu;
  if (magnitude > 0x7f800000u) return static_cast<std::uint16_t>(sign | 0x7e00u);   // NaN
  if (magnitude >= 0x477ff000u) return static_cast<std::uint16_t>(sign | 0x7c00u);  // rounds beyond 65504: inf
  if (magnitude < 0x38800000u) {
    // Below half's smallest normal (2^-14): a multiple of 2^-24, rounded to even.
    const float scaled = std::fabs(value) * 16777216.0f;
    return static_cast<std::uint16_t>(sign | static_cast<std::uint16_t>(std::nearbyint(scaled)));
  }
  // Normal: drop 13 mantissa bits rounding to nearest even (a carry moves into
  // the exponent, as it should), then rebias the exponent from 127 to 15.
  const std::uint32_t rounded = magnitude + 0xfffu + ((magnitude >> 13) & 1u);
  return static_cast<std::uint16_t>(sign | ((rounded >> 13) - ((127u - 15u) << 10)));
}

float half_to_float(std::uint16_t half) {
  const std::uint32_t sign = (half & 0x8000u) << 16;
  const std::uint32_t exponent = (half >> 10) & 0x1fu, mantissa = half & 0x3ffu;
  std::uint32_t bits = 0;
  if (exponent == 0) {
    const float magnitude = std::ldexp(static_cast<float>(mantissa), -24);
    return sign != 0 ? -magnitude : magnitude;
  }
  if (exponent == 31) {
    bits = sign | 0x7f800000u | (mantissa << 13);
  } else {
    bits = sign | ((exponent + 127u - 15u) << 23) | (mantissa << 13);
  }
  float value = 0;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

Model make_blank_model() {
  const Architecture& arch = reference_architecture();
  Model model;
  for (const TensorSpec& t : arch.tensors) {
    const bool variance = t.name.size() >= 9 && t.name.compare(t.name.size() - 9, 9, ".variance") == 0;
    model.tensors.emplace_back(t.size, variance ? 1.0f : 0.0f);
  }
  return model;
}

void validate_model(const Model& model, const std::string& source) {
  const Architecture& arch = reference_architecture();
  if (model.tensors.size() != arch.tensors.size()) {
    throw Error(source + ": has " + std::to_string(model.tensors.size()) + " tensors, the architecture expects " +
                std::to_string(arch.tensors.size()));
  }
  for (std::size_t i = 0; i < arch.tensors.size(); ++i) {
    const TensorSpec& spec = arch.tensors[i];
    const auto& t = model.tensors[i];
    if (static_cast<int>(t.size()) != spec.size) {
      throw Error(source + ": tensor " + spec.name + " has " + std::to_string(t.size()) +
                  " values, the architecture expects " + std::to_string(spec.size));
    }
    const bool variance =
        arch.layers[spec.layer].kind == LayerKind::BatchNorm && spec.name.find("variance") != std::string::npos;
    for (std::size_t j = 0; j < t.size(); ++j) {
      if (!finite(t[j]) || (variance && t[j] < 0)) {
        throw Error(source + ": tensor " + spec.name + " holds an invalid value (" + std::to_string(t[j]) +
                    ") at index " + std::to_string(j));
      }
    }
  }
  if (!finite(model.meta.test_accuracy) || !finite(model.meta.validation_accuracy)) {
    throw Error(source + ": metadata holds a non-finite accuracy");
  }
  const DigitScoreParams& d = model.digit_score;
  if (!d.empty() || !d.whitening.empty()) {
    const std::size_t features = static_cast<std::size_t>(arch.layers[arch.layers.size() - 1].in.size());
    if (d.means.size() != features * kClasses || d.whitening.size() != features * features) {
      throw Error(source + ": digit score has " + std::to_string(d.means.size()) + " mean and " +
                  std::to_string(d.whitening.size()) + " whitening values, expected " +
                  std::to_string(features * kClasses) + " and " + std::to_string(features * features));
    }
    const bool bad = std::any_of(d.means.begin(), d.means.end(), [](float x) { return !finite(x); }) ||
                     std::any_of(d.whitening.begin(), d.whitening.end(), [](float x) { return !finite(x); }) ||
                     std::any_of(d.weights.begin(), d.weights.end(), [](float x) { return !finite(x); }) ||
                     !(d.threshold >= 0.0f && d.threshold <= 1.0f);
    if (bad) throw Error(source + ": digit score holds an invalid value");
  }
}

std::string serialize_model(const Model& model, TensorEncoding encoding) {
  validate_model(model, "model to save");
  const std::uint32_t version = kWeightFormatVersion;
  std::ostringstream payload_stream;
  {
    cereal::PortableBinaryOutputArchive ar(payload_stream);
    save_payload(ar, model, encoding);
  }
  const std::string payload = payload_stream.str();
  std::ostringstream out;
  {
    cereal::PortableBinaryOutputArchive ar(out);
    ar(cereal::binary_data(kMagic, sizeof kMagic));
    ar(version, fnv1a(payload));
    save_bytes(ar, payload);
  }
  return out.str();
}

Model parse_model(const void* data, std::size_t size, const std::string& source) {
  if (size > kMaxWeightFileBytes) {
    throw Error(source + ": " + std::to_string(size) + " bytes, larger than any weights file (limit " +
                std::to_string(kMaxWeightFileBytes) + ")");
  }
  if (size == 0) throw Error(source + ": empty file (0 bytes), not a weights file");
  const std::string bytes(static_cast<const char*>(data), size);
  // The envelope: cereal's endianness byte, the magic, then version, checksum
  // and payload length. A file that stops inside it, or before the payload
  // length it states, was cut short; a payload that passes the checksum but
  // ends early was written wrong (corrupted, not truncated).
  const std::size_t magic_bytes = std::min<std::size_t>(size - 1, sizeof kMagic);
  if (!std::equal(bytes.begin() + 1, bytes.begin() + 1 + static_cast<std::ptrdiff_t>(magic_bytes), kMagic)) {
    throw Error(source + ": not a digits weights file (bad magic number)");
  }
  const auto truncated = [&](const std::string& detail) {
    return Error(source + ": truncated weights file (" + std::to_string(size) + " bytes, " + detail + ")");
  };
  bool in_payload = false;
  try {
    std::istringstream in(bytes);
    cereal::PortableBinaryInputArchive envelope(in);
    char magic[4] = {};
    std::uint32_t version = 0;
    std::uint64_t checksum = 0;
    cereal::size_type length = 0;
    try {
      envelope(cereal::binary_data(magic, sizeof magic), version, checksum, cereal::make_size_tag(length));
    } catch (const cereal::Exception&) {
      throw truncated("it ends inside its header");
    }
    if (version < 1 || version > kWeightFormatVersion) {
      throw Error("weight format version " + std::to_string(version) + " is not supported (this program reads 1 to " +
                  std::to_string(kWeightFormatVersion) + ")");
    }
    const auto header = static_cast<std::size_t>(in.tellg());
    if (length > size - header) {
      throw truncated("its header promises " + std::to_string(header + length));
    }
    std::string payload(static_cast<std::size_t>(length), '\0');
    envelope(cereal::binary_data(&payload[0], payload.size()));
    const bool trailing = in.peek() != std::char_traits<char>::eof();
    if (trailing) throw Error("corrupted: unexpected bytes after the end of the model");
    if (fnv1a(payload) != checksum) throw Error("checksum mismatch: the file is corrupted");
    in_payload = true;
    std::istringstream payload_in(payload);
    cereal::PortableBinaryInputArchive ar(payload_in);
    Model model = version >= 3 ? load_payload_v3(ar, payload.size()) : load_payload_v1(ar, version);
    const bool extra = payload_in.peek() != std::char_traits<char>::eof();
    if (extra) throw Error("corrupted: unexpected bytes after the metadata");
    validate_model(model, source);
    return model;
  } catch (const cereal::Exception&) {
    if (!in_payload) throw truncated("it ends early");
    throw Error(source + ": corrupted: the model data ends early, yet its checksum matches (it was written so)");
  } catch (const Error& e) {
    const std::string what = e.what();
    if (what.compare(0, source.size(), source) == 0) throw;
    throw Error(source + ": " + what);
  }
}

std::string read_file(const std::string& path, std::size_t max_bytes) {
  // A directory opens as a stream on Linux and reports a nonsense size.
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) throw Error(path + ": cannot open for reading (it is a directory)");
  errno = 0;
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) {
    const std::string reason = errno != 0 ? std::string(" (") + std::strerror(errno) + ")" : "";
    throw Error(path + ": cannot open for reading" + reason);
  }
  const std::streamoff size = in.tellg();
  if (size < 0) throw Error(path + ": cannot open for reading (not a regular file?)");
  if (static_cast<std::uint64_t>(size) > max_bytes) {
    throw Error(path + ": " + std::to_string(size) + " bytes, more than the limit of " + std::to_string(max_bytes));
  }
  in.seekg(0);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw Error(path + ": read error");
  return bytes;
}

Model load_model(const std::string& path) {
  const std::string bytes = read_file(path, kMaxWeightFileBytes);
  return parse_model(bytes.data(), bytes.size(), path);
}

void write_file_atomically(const std::string& path, const std::string& bytes) {
  const std::string temp = path + ".tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) throw Error(path + ": cannot write (cannot create " + temp + ")");
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) {
      std::remove(temp.c_str());
      throw Error(path + ": write failed (disk full?)");
    }
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    std::remove(temp.c_str());
    throw Error(path + ": cannot rename " + temp + " into place");
  }
}

void save_model(const Model& model, const std::string& path, TensorEncoding encoding) {
  write_file_atomically(path, serialize_model(model, encoding));
}

}  // namespace digits
