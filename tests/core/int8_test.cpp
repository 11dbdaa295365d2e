// The int8 tensor encoding of the weight file: convolution and dense weights
// as int8 with one float32 scale per output channel, everything else float32.
// Its accuracy on MNIST and the drawn-digit set is checked by
// tests/cli/int8_accuracy_test.sh; these tests check the encoding itself.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>

#include "digits/error.h"
#include "digits/inference.h"
#include "digits/model.h"
#include "test_models.h"

using namespace digits;
using Catch::Matchers::Contains;

namespace {

Model parse(const std::string& bytes) { return parse_model(bytes.data(), bytes.size(), "int8.dgw"); }

bool is_weights(const TensorSpec& t) {
  const LayerKind kind = reference_architecture().layers[t.layer].kind;
  return (kind == LayerKind::Conv || kind == LayerKind::Dense) && t.name.find(".weights") != std::string::npos;
}

// The output channel of value i of a weights tensor (conv [out][in][k][k], dense [in][out]).
int output_channel(const TensorSpec& t, std::size_t i) {
  const LayerSpec& l = reference_architecture().layers[t.layer];
  if (l.kind == LayerKind::Conv) return static_cast<int>(i / (l.in.channels * l.kernel * l.kernel));
  return static_cast<int>(i % l.out.size());
}

// Offset of the first tensor's first byte after its value count, and that
// tensor's size, in a serialized version 3 model.
std::size_t first_int8_header() { return testing::first_tensor_offset(); }

}  // namespace

TEST_CASE("int8 weights stay within half a step of their channel's scale; other tensors are exact",
          "[core][model][int8]") {
  Model m = testing::random_model(11);
  const Architecture& arch = reference_architecture();
  // One conv1 output channel a thousand times smaller than the others: a
  // single scale for the tensor would round it to zero.
  const int taps = 9;
  for (int j = 0; j < taps; ++j) m.tensors[0][j] *= 1e-3f;
  const Model back = parse(serialize_model(m, TensorEncoding::Int8));
  for (std::size_t t = 0; t < arch.tensors.size(); ++t) {
    const TensorSpec& spec = arch.tensors[t];
    if (!is_weights(spec)) {
      CHECK(back.tensors[t] == m.tensors[t]);
      continue;
    }
    const int channels = arch.layers[spec.layer].out.channels;
    std::vector<float> largest(static_cast<std::size_t>(channels), 0.0f);
    for (std::size_t i = 0; i < m.tensors[t].size(); ++i) {
      float& l = largest[output_channel(spec, i)];
      l = std::max(l, std::fabs(m.tensors[t][i]));
    }
    double worst = 0;
    for (std::size_t i = 0; i < m.tensors[t].size(); ++i) {
      const float step = largest[output_channel(spec, i)] / 127.0f;
      worst = std::max(worst, std::fabs(back.tensors[t][i] - m.tensors[t][i]) / (0.5 * step) - 1.0);
    }
    INFO(spec.name);
    CHECK(worst <= 1e-4);  // |error| <= half a step (plus float rounding)
  }
  // The small channel has its own scale: its largest weight survives exactly
  // (it is +-127 steps), and so do the signs of the others.
  float largest = 0, largest_back = 0;
  for (int j = 0; j < taps; ++j) {
    if (std::fabs(m.tensors[0][j]) > largest) {
      largest = std::fabs(m.tensors[0][j]);
      largest_back = std::fabs(back.tensors[0][j]);
    }
  }
  CHECK(largest_back == Approx(largest).epsilon(1e-5));
}

TEST_CASE("an int8 weights file is about a quarter of float32, and stable once rounded", "[core][model][int8]") {
  const Model m = testing::random_model(12);
  const std::string full = serialize_model(m), half = serialize_model(m, TensorEncoding::Float16),
                    int8 = serialize_model(m, TensorEncoding::Int8);
  CHECK(int8.size() < half.size() * 0.52);
  CHECK(int8.size() < full.size() * 0.27);
  const Model back = parse(int8);
  CHECK(serialize_model(back, TensorEncoding::Int8) == int8);
  // The metadata survives as in any other encoding.
  Model with_meta = m;
  with_meta.meta.test_accuracy = 0.99f;
  with_meta.meta.temperature = 1.5f;
  const Model meta_back = parse(serialize_model(with_meta, TensorEncoding::Int8));
  CHECK(meta_back.meta.test_accuracy == 0.99f);
  CHECK(meta_back.meta.temperature == 1.5f);
}

TEST_CASE("an int8 network predicts like the float32 one", "[core][model][int8]") {
  const Model m = testing::random_model(13);
  Network exact(m), quantised(parse(serialize_model(m, TensorEncoding::Int8)));
  double error = 0, range = 0;
  for (int k = 0; k < 20; ++k) {
    std::vector<float> image(kImageSize, 0.0f);
    for (int y = 4 + k % 5; y < 20 + k % 7; ++y) image[y * kImageSide + 8 + k % 11] = 1.0f;
    for (int x = 6; x < 22; ++x) image[(10 + k % 9) * kImageSide + x] = 1.0f;
    exact.predict(image.data());
    quantised.predict(image.data());
    for (int c = 0; c < kClasses; ++c) {
      error = std::max(error, static_cast<double>(std::fabs(exact.logits()[c] - quantised.logits()[c])));
      range = std::max(range, static_cast<double>(std::fabs(exact.logits()[c])));
    }
  }
  INFO("largest logit error " << error << " of logits up to " << range);
  CHECK(error < 0.02 * range);
}

TEST_CASE("a corrupted int8 tensor is refused with its name", "[core][model][int8]") {
  const Model m = testing::random_model(14);
  const std::string good = serialize_model(m, TensorEncoding::Int8);
  const std::string name = reference_architecture().tensors[0].name;
  REQUIRE(static_cast<unsigned char>(good[testing::first_encoding_offset()]) == 2);
  const std::size_t header = first_int8_header();  // [channels u32][inner u32][scales...]

  SECTION("an unknown encoding code") {
    std::string bad = good;
    bad[testing::first_encoding_offset()] = 3;
    testing::fix_checksum(bad);
    REQUIRE_THROWS_WITH(parse(bad), Contains(name) && Contains("unknown encoding 3"));
  }
  SECTION("a channel layout that does not divide the values") {
    std::string bad = good;
    const std::uint32_t channels = 7;
    std::memcpy(&bad[header], &channels, 4);
    testing::fix_checksum(bad);
    REQUIRE_THROWS_WITH(parse(bad), Contains(name) && Contains("7 channels"));
  }
  SECTION("zero channels") {
    std::string bad = good;
    std::memset(&bad[header], 0, 4);
    testing::fix_checksum(bad);
    REQUIRE_THROWS_WITH(parse(bad), Contains(name) && Contains("does not divide"));
  }
  SECTION("a negative or non-finite scale") {
    std::string bad = good;
    const float scale = GENERATE(-1.0f, NAN, INFINITY);
    std::memcpy(&bad[header + 8 + 4 * 5], &scale, 4);
    testing::fix_checksum(bad);
    REQUIRE_THROWS_WITH(parse(bad), Contains(name) && Contains("scale of channel 5"));
  }
  SECTION("truncated inside the int8 values") {
    for (std::size_t cut : {header + 4, header + 8 + 16, header + 8 + 32 * 4 + 100}) {
      std::string bad = good.substr(0, cut);
      REQUIRE_THROWS_AS(parse(bad), Error);
    }
  }
}
