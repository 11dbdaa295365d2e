// Weight file: serialization in cereal's portable binary layout, and every
// check a loaded file must pass before a network ever sees it.
#include "digits/model.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <type_traits>

#include "digits/error.h"

namespace digits {
namespace {

// ---- cereal's portable binary layout, without iostreams ----
// The bytes are exactly what cereal::PortableBinary{Output,Input}Archive
// write and read (tests/core/weight_format_test.cpp writes files with cereal
// itself): a first byte saying whether the values that follow are
// little-endian (1, what this writer always produces) or big-endian (0);
// fixed-width integers and floats; sizes as 64-bit values; blocks of
// fixed-width elements, each element byte-swapped when the file's order is
// not the machine's. Written by hand because cereal's archives need
// std::istream/ostream, which pull iostream and locale code (about 90 KB)
// into the page's wasm.
using SizeType = std::uint64_t;  // cereal::size_type

bool machine_is_little_endian() {
  const std::uint16_t one = 1;
  unsigned char first = 0;
  std::memcpy(&first, &one, 1);
  return first == 1;
}

// What cereal throws when the input ends: caught where "truncated" and
// "corrupted" are told apart.
struct EndOfData {};

class Writer {
 public:
  Writer() { bytes_.push_back(1); }  // little-endian values follow
  template <class T>
  Writer& operator()(T value) {
    static_assert(std::is_arithmetic<T>::value, "fixed-width values only");
    return block(&value, 1);
  }
  Writer& size(SizeType n) { return (*this)(n); }
  // `count` elements of T, as one block.
  template <class T>
  Writer& block(const T* data, std::size_t count) {
    const std::size_t at = bytes_.size();
    bytes_.resize(at + count * sizeof(T));
    std::memcpy(&bytes_[at], data, count * sizeof(T));
    if (!machine_is_little_endian()) swap_elements(&bytes_[at], count, sizeof(T));
    return *this;
  }
  const std::string& bytes() const { return bytes_; }

  static void swap_elements(char* p, std::size_t count, std::size_t width) {
    for (std::size_t i = 0; i < count; ++i) std::reverse(p + i * width, p + (i + 1) * width);
  }

 private:
  std::string bytes_;
};

class Reader {
 public:
  // Reads the byte order first, as cereal's input archive does.
  Reader(const char* data, std::size_t size) : data_(data), size_(size) {
    std::uint8_t little = 1;
    block(&little, 1);
    swap_ = (little == 1) != machine_is_little_endian();
  }
  template <class T>
  Reader& operator()(T& value) {
    static_assert(std::is_arithmetic<T>::value, "fixed-width values only");
    return block(&value, 1);
  }
  template <class T, class... More>
  Reader& operator()(T& value, More&... more) {
    (*this)(value);
    return (*this)(more...);
  }
  Reader& size(SizeType& n) { return (*this)(n); }
  template <class T>
  Reader& block(T* data, std::size_t count) {
    if (count > (size_ - at_) / sizeof(T)) throw EndOfData{};
    std::memcpy(data, data_ + at_, count * sizeof(T));
    at_ += count * sizeof(T);
    if (swap_) Writer::swap_elements(reinterpret_cast<char*>(data), count, sizeof(T));
    return *this;
  }
  std::size_t position() const { return at_; }
  std::size_t remaining() const { return size_ - at_; }

 private:
  const char* data_;
  std::size_t size_, at_ = 0;
  bool swap_ = false;
};

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

// A string: its length, then its bytes. The length is read first and
// anything larger than `limit` refused before it is allocated.
void save_bytes(Writer& ar, const std::string& s) { ar.size(s.size()).block(s.data(), s.size()); }

void load_bytes(Reader& ar, std::string& s, std::size_t limit, const std::string& what) {
  SizeType n = 0;
  ar.size(n);
  if (n > limit)
    throw Error("corrupted: " + what + " claims " + std::to_string(n) + " bytes, more than the file holds");
  s.resize(static_cast<std::size_t>(n));
  ar.block(&s[0], s.size());
}

void save_floats(Writer& ar, const std::vector<float>& v, TensorEncoding encoding, const std::string& name) {
  ar.size(v.size());
  if (encoding == TensorEncoding::Float32) {
    ar.block(v.data(), v.size());
    return;
  }
  std::vector<std::uint16_t> halves(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (std::fabs(v[i]) > 65504.0f) {
      throw Error("tensor " + name + " holds " + std::to_string(v[i]) + ", beyond float16's range: save as float32");
    }
    halves[i] = float_to_half(v[i]);
  }
  ar.block(halves.data(), halves.size());
}

void load_floats(Reader& ar, std::vector<float>& v, const TensorSpec& spec, TensorEncoding encoding) {
  SizeType n = 0;
  ar.size(n);
  if (n != static_cast<SizeType>(spec.size)) {
    throw Error("tensor " + spec.name + " has " + std::to_string(n) + " values, the architecture expects " +
                std::to_string(spec.size));
  }
  v.resize(n);
  if (encoding == TensorEncoding::Float32) {
    ar.block(v.data(), n);
    return;
  }
  std::vector<std::uint16_t> halves(n);
  ar.block(halves.data(), n);
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
void save_int8(Writer& ar, const std::vector<float>& v, const ChannelLayout& layout) {
  ar.size(v.size());
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
  ar(layout.channels)(layout.inner);
  ar.block(scales.data(), scales.size());
  ar.block(q.data(), q.size());
}

// `v` is already sized to the tensor's value count.
void load_int8(Reader& ar, std::vector<float>& v, const std::string& name) {
  ChannelLayout layout;
  ar(layout.channels, layout.inner);
  const std::uint64_t group = static_cast<std::uint64_t>(layout.channels) * layout.inner;
  if (layout.channels == 0 || layout.inner == 0 || group > v.size() || v.size() % group != 0) {
    throw Error("tensor " + name + ": int8 layout of " + std::to_string(layout.channels) + " channels x " +
                std::to_string(layout.inner) + " does not divide its " + std::to_string(v.size()) + " values");
  }
  std::vector<float> scales(layout.channels);
  ar.block(scales.data(), scales.size());
  for (std::size_t c = 0; c < scales.size(); ++c) {
    if (!std::isfinite(scales[c]) || scales[c] < 0.0f)
      throw Error("tensor " + name + ": int8 scale of channel " + std::to_string(c) + " is invalid (" +
                  std::to_string(scales[c]) + ")");
  }
  std::vector<std::int8_t> q(v.size());
  ar.block(q.data(), q.size());
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = q[i] * scales[(i / layout.inner) % layout.channels];
}

template <class Array>
void fixed_array(Reader& ar, Array& a) {
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
  std::size_t n = 0;
  for (std::size_t start = text.find_first_not_of(" \t\n"); start != std::string::npos;
       start = text.find_first_not_of(" \t\n", start)) {
    const std::size_t end = std::min(text.find_first_of(" \t\n", start), text.size());
    const std::string item = text.substr(start, end - start);
    start = end;
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

void save_payload(Writer& ar, const Model& model, TensorEncoding encoding) {
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
    // The digit score (class means, whitening) is not quantised to int8: a
    // float16 or int8 file keeps it as float16.
    TensorEncoding e = architecture_tensor || encoding == TensorEncoding::Float32 ? encoding : TensorEncoding::Float16;
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
void load_named_floats(Reader& ar, std::vector<float>& v, const std::string& name, std::size_t limit) {
  std::uint8_t code = 0;
  ar(code);
  if (code > static_cast<std::uint8_t>(TensorEncoding::Int8))
    throw Error("tensor " + name + " has an unknown encoding " + std::to_string(code));
  const auto encoding = static_cast<TensorEncoding>(code);
  const std::size_t value_bytes = encoding == TensorEncoding::Float32 ? 4 : encoding == TensorEncoding::Float16 ? 2 : 1;
  SizeType n = 0;
  ar.size(n);
  if (n > limit / value_bytes) throw Error("corrupted: tensor " + name + " claims " + std::to_string(n) + " values");
  v.resize(n);
  if (encoding == TensorEncoding::Float32) {
    ar.block(v.data(), n);
  } else if (encoding == TensorEncoding::Int8) {
    load_int8(ar, v, name);
  } else {
    std::vector<std::uint16_t> halves(n);
    ar.block(halves.data(), n);
    for (std::size_t i = 0; i < n; ++i) v[i] = half_to_float(halves[i]);
  }
}

Model load_payload_v3(Reader& ar, std::size_t payload_size) {
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

Model load_payload_v1(Reader& ar, std::uint32_t version) {
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
  Writer payload;
  save_payload(payload, model, encoding);
  Writer out;
  out.block(kMagic, sizeof kMagic);
  out(version)(fnv1a(payload.bytes()));
  save_bytes(out, payload.bytes());
  return out.bytes();
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
    Reader envelope(bytes.data(), bytes.size());
    char magic[4] = {};
    std::uint32_t version = 0;
    std::uint64_t checksum = 0;
    SizeType length = 0;
    try {
      envelope.block(magic, sizeof magic);
      envelope(version, checksum);
      envelope.size(length);
    } catch (const EndOfData&) {
      throw truncated("it ends inside its header");
    }
    if (version < 1 || version > kWeightFormatVersion) {
      throw Error("weight format version " + std::to_string(version) + " is not supported (this program reads 1 to " +
                  std::to_string(kWeightFormatVersion) + ")");
    }
    const std::size_t header = envelope.position();
    if (length > size - header) {
      throw truncated("its header promises " + std::to_string(header + length));
    }
    std::string payload(static_cast<std::size_t>(length), '\0');
    envelope.block(&payload[0], payload.size());
    const bool trailing = envelope.remaining() > 0;
    if (trailing) throw Error("corrupted: unexpected bytes after the end of the model");
    if (fnv1a(payload) != checksum) throw Error("checksum mismatch: the file is corrupted");
    in_payload = true;
    Reader ar(payload.data(), payload.size());
    Model model = version >= 3 ? load_payload_v3(ar, payload.size()) : load_payload_v1(ar, version);
    const bool extra = ar.remaining() > 0;
    if (extra) throw Error("corrupted: unexpected bytes after the metadata");
    validate_model(model, source);
    return model;
  } catch (const EndOfData&) {
    if (!in_payload) throw truncated("it ends early");
    throw Error(source + ": corrupted: the model data ends early, yet its checksum matches (it was written so)");
  } catch (const Error& e) {
    const std::string what = e.what();
    if (what.compare(0, source.size(), source) == 0) throw;
    throw Error(source + ": " + what);
  }
}

std::string read_file(const std::string& path, std::size_t max_bytes) {
  // stdio, not fstream: no iostream code in the page's wasm.
  struct stat info {};
  errno = 0;
  if (stat(path.c_str(), &info) != 0) {
    const std::string reason = errno != 0 ? std::string(" (") + std::strerror(errno) + ")" : "";
    throw Error(path + ": cannot open for reading" + reason);
  }
  // A directory opens as a stream on Linux and reports a nonsense size.
  if (S_ISDIR(info.st_mode)) throw Error(path + ": cannot open for reading (it is a directory)");
  if (!S_ISREG(info.st_mode)) throw Error(path + ": cannot open for reading (not a regular file?)");
  if (static_cast<std::uint64_t>(info.st_size) > max_bytes) {
    throw Error(path + ": " + std::to_string(info.st_size) + " bytes, more than the limit of " +
                std::to_string(max_bytes));
  }
  errno = 0;
  std::FILE* in = std::fopen(path.c_str(), "rb");
  if (in == nullptr) {
    const std::string reason = errno != 0 ? std::string(" (") + std::strerror(errno) + ")" : "";
    throw Error(path + ": cannot open for reading" + reason);
  }
  std::string bytes;
  char buffer[1 << 16];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, in)) > 0) {
    bytes.append(buffer, n);
    if (bytes.size() > max_bytes) break;  // it grew since stat()
  }
  const bool failed = std::ferror(in) != 0;
  std::fclose(in);
  if (failed) throw Error(path + ": read error");
  if (bytes.size() > max_bytes) {
    throw Error(path + ": more than the limit of " + std::to_string(max_bytes) + " bytes");
  }
  return bytes;
}

Model load_model(const std::string& path) {
  const std::string bytes = read_file(path, kMaxWeightFileBytes);
  return parse_model(bytes.data(), bytes.size(), path);
}

void write_file_atomically(const std::string& path, const std::string& bytes) {
  const std::string temp = path + ".tmp";
  std::FILE* out = std::fopen(temp.c_str(), "wb");
  if (out == nullptr) throw Error(path + ": cannot write (cannot create " + temp + ")");
  const bool written = std::fwrite(bytes.data(), 1, bytes.size(), out) == bytes.size();
  if (std::fclose(out) != 0 || !written) {
    std::remove(temp.c_str());
    throw Error(path + ": write failed (disk full?)");
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
