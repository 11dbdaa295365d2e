// Weight file: round trip, and every kind of bad file is refused with a
// message naming the file and the problem.
#include "digits/model.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <random>

#include "digits/error.h"
#include "digits/inference.h"
#include "test_models.h"

using namespace digits;
using Catch::Matchers::Contains;

namespace {
Model parse(const std::string& bytes) { return parse_model(bytes.data(), bytes.size(), "test.dgw"); }
}  // namespace

TEST_CASE("save and load round-trip every tensor, the metadata and the predictions", "[core][model]") {
  Model m = testing::random_model(1);
  m.meta.dataset = "MNIST";
  m.meta.epochs = 7;
  m.meta.test_accuracy = 0.9936f;
  m.meta.confusion[3][5] = 12;
  m.meta.f1[9] = 0.5f;
  const auto path = (std::filesystem::temp_directory_path() / "digits_roundtrip.dgw").string();
  save_model(m, path);
  CHECK_FALSE(std::filesystem::exists(path + ".tmp"));
  const Model back = load_model(path);
  CHECK(back.tensors == m.tensors);
  CHECK(back.meta.dataset == "MNIST");
  CHECK(back.meta.epochs == 7);
  CHECK(back.meta.test_accuracy == m.meta.test_accuracy);
  CHECK(back.meta.confusion == m.meta.confusion);
  CHECK(back.meta.f1 == m.meta.f1);

  Network a(m), b(back);
  std::vector<float> image(kImageSize);
  for (int i = 0; i < kImageSize; ++i) image[i] = static_cast<float>((i * 37) % 255) / 255.0f;
  CHECK(a.predict(image.data()) == b.predict(image.data()));
  std::filesystem::remove(path);
}

TEST_CASE("float16 conversions round to nearest even and cover the whole range", "[core][model]") {
  CHECK(float_to_half(0.0f) == 0x0000);
  CHECK(float_to_half(-0.0f) == 0x8000);
  CHECK(float_to_half(1.0f) == 0x3c00);
  CHECK(float_to_half(-2.0f) == 0xc000);
  CHECK(float_to_half(65504.0f) == 0x7bff);                      // largest half
  CHECK(float_to_half(65520.0f) == 0x7c00);                      // rounds beyond it: infinity
  CHECK(float_to_half(std::ldexp(1.0f, -14)) == 0x0400);         // smallest normal
  CHECK(float_to_half(std::ldexp(1.0f, -24)) == 0x0001);         // smallest subnormal
  CHECK(float_to_half(std::ldexp(1.0f, -25)) == 0x0000);         // a tie: to even (zero)
  CHECK(float_to_half(std::ldexp(3.0f, -25)) == 0x0002);         // a tie: to even (two)
  CHECK(float_to_half(1.0f + std::ldexp(1.0f, -11)) == 0x3c00);  // a tie: to even (1.0)
  CHECK(float_to_half(1.0f + std::ldexp(3.0f, -11)) == 0x3c02);  // a tie: to even (1 + 2^-9)
  CHECK(float_to_half(1.0f + std::ldexp(1.0f, -10)) == 0x3c01);
  // Every half survives the round trip through float exactly.
  for (std::uint32_t h = 0; h < 0x10000; ++h) {
    const auto half = static_cast<std::uint16_t>(h);
    if ((half & 0x7c00) == 0x7c00) continue;  // infinities and NaNs
    REQUIRE(float_to_half(half_to_float(half)) == half);
  }
  CHECK(half_to_float(0x7c00) == std::numeric_limits<float>::infinity());
  CHECK(std::isnan(half_to_float(0x7e00)));
  // And any float lands on the nearest half: within half a unit in the last place.
  std::mt19937 rng(12);
  std::uniform_real_distribution<float> u(-4.0f, 4.0f);
  for (int i = 0; i < 100000; ++i) {
    const float x = u(rng);
    const float back = half_to_float(float_to_half(x));
    REQUIRE(std::fabs(back - x) <= std::ldexp(std::fabs(x) < std::ldexp(1.0f, -14) ? 1.0f : std::fabs(x), -11));
  }
}

TEST_CASE("a float16 weights file holds the rounded tensors in half the bytes", "[core][model]") {
  Model m = testing::random_model(11);
  m.meta.test_accuracy = 0.99f;
  const std::string full = serialize_model(m), half = serialize_model(m, TensorEncoding::Float16);
  CHECK(full[5] == 3);
  CHECK(half[5] == 3);
  CHECK(half.size() < full.size() * 0.51 + 2048);
  const Model back = parse(half);
  REQUIRE(back.tensors.size() == m.tensors.size());
  for (std::size_t t = 0; t < m.tensors.size(); ++t) {
    for (std::size_t i = 0; i < m.tensors[t].size(); ++i) {
      REQUIRE(back.tensors[t][i] == half_to_float(float_to_half(m.tensors[t][i])));
    }
  }
  CHECK(back.meta.test_accuracy == m.meta.test_accuracy);
  CHECK(serialize_model(back, TensorEncoding::Float16) == half);  // stable once rounded

  Model huge = m;
  huge.tensors[0][0] = 1e6f;
  REQUIRE_THROWS_WITH(serialize_model(huge, TensorEncoding::Float16), Contains("conv0.weights") && Contains("float16"));
  CHECK_NOTHROW(serialize_model(huge));

  std::string unknown = half;
  unknown[testing::first_encoding_offset()] = 7;
  testing::fix_checksum(unknown);
  REQUIRE_THROWS_WITH(parse(unknown), Contains("conv0.weights") && Contains("unknown encoding 7"));
}

TEST_CASE("a truncated weights file is refused at every length", "[core][model]") {
  const auto encoding = GENERATE(TensorEncoding::Float32, TensorEncoding::Float16);
  const std::string bytes = serialize_model(testing::random_model(2), encoding);
  for (std::size_t n = 0; n < bytes.size(); n += (n < 64 ? 1 : 997)) {
    INFO("length " << n);
    REQUIRE_THROWS_AS(parse(bytes.substr(0, n)), Error);
  }
  REQUIRE_THROWS_WITH(parse(bytes.substr(0, bytes.size() / 2)), Contains("test.dgw") && Contains("truncated"));
}

TEST_CASE("a corrupted byte fails the checksum", "[core][model]") {
  const auto encoding = GENERATE(TensorEncoding::Float32, TensorEncoding::Float16);
  std::string bytes = serialize_model(testing::random_model(3), encoding);
  bytes[bytes.size() / 2] ^= 0x10;
  REQUIRE_THROWS_WITH(parse(bytes), Contains("checksum"));
}

TEST_CASE("wrong magic, version and trailing bytes are refused", "[core][model]") {
  const std::string good = serialize_model(testing::random_model(4));
  std::string bad_magic = good;
  bad_magic[1] = 'X';
  REQUIRE_THROWS_WITH(parse(bad_magic), Contains("not a digits weights file"));
  std::string bad_version = good;
  bad_version[5] = 9;
  REQUIRE_THROWS_WITH(parse(bad_version), Contains("version 9"));
  REQUIRE_THROWS_WITH(parse(good + "x"), Contains("unexpected bytes"));
  REQUIRE_THROWS_WITH(parse("hello"), Contains("test.dgw"));
}

TEST_CASE("a file of another architecture is refused", "[core][model]") {
  std::string bytes = serialize_model(testing::random_model(5));
  const std::size_t at = testing::descriptor_offset() + bytes.substr(testing::descriptor_offset()).find("c32") + 2;
  bytes[at] = '4';  // the first convolution now claims 34 filters
  testing::fix_checksum(bytes);
  REQUIRE_THROWS_WITH(parse(bytes), Contains("wrong architecture") && Contains("c34"));
}

TEST_CASE("non-finite weights and negative variances are refused", "[core][model]") {
  std::string bytes = serialize_model(testing::random_model(6));
  const float nan = std::numeric_limits<float>::quiet_NaN();
  std::memcpy(&bytes[testing::first_tensor_offset() + 4 * 5], &nan, 4);
  testing::fix_checksum(bytes);
  REQUIRE_THROWS_WITH(parse(bytes), Contains("conv0.weights") && Contains("index 5"));

  Model m = testing::random_model(7);
  m.tensors[3][0] = -1.0f;  // batchnorm1.variance
  REQUIRE_THROWS_WITH(validate_model(m, "m"), Contains("variance"));
  m = testing::random_model(7);
  m.tensors[0].pop_back();
  REQUIRE_THROWS_WITH(validate_model(m, "m"), Contains("expects 288"));
}

TEST_CASE("a missing file or unwritable path is a clear error", "[core][model]") {
  REQUIRE_THROWS_WITH(load_model("/nonexistent/x.dgw"), Contains("/nonexistent/x.dgw") && Contains("cannot open"));
  REQUIRE_THROWS_WITH(save_model(testing::random_model(8), "/nonexistent/dir/x.dgw"), Contains("cannot write"));
}

// What the CLI and the page tell a user: an empty file, a file cut short and
// a file whose bytes were changed are three different problems.
TEST_CASE("empty, truncated and corrupted files are each named as such", "[core][model]") {
  const std::string good = serialize_model(testing::random_model(5));
  REQUIRE_THROWS_WITH(parse(""), Contains("test.dgw: empty file"));
  for (std::size_t n = 1; n < good.size(); n += (n < 64 ? 1 : 4099)) {
    INFO("length " << n);
    REQUIRE_THROWS_WITH(parse(good.substr(0, n)),
                        Contains("test.dgw: truncated weights file") && !Contains("corrupted"));
  }
  std::string flipped = good;
  flipped[good.size() / 2] ^= 0x10;
  REQUIRE_THROWS_WITH(parse(flipped), Contains("checksum mismatch: the file is corrupted") && !Contains("truncated"));
  // A payload cut one float short inside the first tensor, its length field
  // and checksum rewritten to match: the file is whole, what it holds is wrong.
  const std::size_t first_values = reference_architecture().tensors[0].size;
  std::string short_payload = good.substr(0, testing::first_tensor_offset() + 4 * first_values - 4);
  const std::uint64_t length = short_payload.size() - testing::kPayloadOffset;
  std::memcpy(&short_payload[testing::kPayloadOffset - 8], &length, 8);
  testing::fix_checksum(short_payload);
  REQUIRE_THROWS_WITH(parse(short_payload), Contains("test.dgw: corrupted") && !Contains("truncated"));
}
