// Weight file: serialization with cereal's portable binary archive, and every
// check a loaded file must pass before a network ever sees it.
#include "digits/model.h"

#include <cereal/archives/portable_binary.hpp>
#include <cmath>
#include <cstdio>
#include <cstring>
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
    throw Error("truncated or corrupted: " + what + " claims " + std::to_string(n) +
                " bytes, more than the file holds");
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

// Works for both directions: Array is const when saving.
template <class Archive, class Array>
void fixed_array(Archive& ar, Array& a) {
  for (auto& x : a) ar(x);
}

template <class Archive>
void save_payload(Archive& ar, const Model& model, TensorEncoding encoding) {
  const Architecture& arch = reference_architecture();
  save_bytes(ar, arch.descriptor);
  ar(static_cast<std::uint32_t>(arch.tensors.size()));
  if (encoding != TensorEncoding::Float32) ar(static_cast<std::uint8_t>(encoding));  // version 2 only
  for (std::size_t i = 0; i < model.tensors.size(); ++i)
    save_floats(ar, model.tensors[i], encoding, arch.tensors[i].name);
  const ModelMetadata& m = model.meta;
  save_bytes(ar, m.dataset);
  save_bytes(ar, m.training_config);
  save_bytes(ar, m.trained_at);
  ar(m.epochs, m.train_seconds, m.validation_accuracy, m.test_accuracy);
  fixed_array(ar, m.precision);
  fixed_array(ar, m.recall);
  fixed_array(ar, m.f1);
  for (const auto& row : m.confusion) fixed_array(ar, row);
}

template <class Archive>
Model load_payload(Archive& ar, std::uint32_t version) {
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
}

std::string serialize_model(const Model& model, TensorEncoding encoding) {
  validate_model(model, "model to save");
  const std::uint32_t version = encoding == TensorEncoding::Float32 ? 1 : 2;
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
  const std::string bytes(static_cast<const char*>(data), size);
  try {
    std::istringstream in(bytes);
    cereal::PortableBinaryInputArchive envelope(in);
    char magic[4] = {};
    envelope(cereal::binary_data(magic, sizeof magic));
    if (!std::equal(magic, magic + 4, kMagic)) throw Error("not a digits weights file (bad magic number)");
    std::uint32_t version = 0;
    std::uint64_t checksum = 0;
    envelope(version, checksum);
    if (version < 1 || version > kWeightFormatVersion) {
      throw Error("weight format version " + std::to_string(version) + " is not supported (this program reads 1 to " +
                  std::to_string(kWeightFormatVersion) + ")");
    }
    std::string payload;
    load_bytes(envelope, payload, size, "payload");
    if (in.peek() != std::char_traits<char>::eof()) throw Error("unexpected bytes after the end of the model");
    if (fnv1a(payload) != checksum) throw Error("checksum mismatch: the file is corrupted");
    std::istringstream payload_in(payload);
    cereal::PortableBinaryInputArchive ar(payload_in);
    Model model = load_payload(ar, version);
    if (payload_in.peek() != std::char_traits<char>::eof()) throw Error("unexpected bytes after the metadata");
    validate_model(model, source);
    return model;
  } catch (const cereal::Exception&) {
    throw Error(source + ": truncated weights file (" + std::to_string(size) + " bytes)");
  } catch (const Error& e) {
    const std::string what = e.what();
    if (what.compare(0, source.size(), source) == 0) throw;
    throw Error(source + ": " + what);
  }
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open for reading");
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw Error(path + ": read error");
  return bytes;
}

Model load_model(const std::string& path) {
  const std::string bytes = read_file(path);
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
