// The self-describing weight file (format version 3): named tensors, keyed
// metadata, unknown entries skipped, and every file the project ever shipped
// (weights/history: version 1 float32, version 2 float16) still loads and
// predicts exactly as before.
#include <catch2/catch.hpp>
#include <cereal/archives/portable_binary.hpp>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "digits/error.h"
#include "digits/inference.h"
#include "digits/model.h"
#include "digits/recognize.h"
#include "test_models.h"

using namespace digits;
using Catch::Matchers::Contains;

namespace {

const std::string kData = DIGITS_SOURCE_DIR "/weights/history/";

Model parse(const std::string& bytes) { return parse_model(bytes.data(), bytes.size(), "test.dgw"); }

std::vector<std::vector<float>> test_images(int n) {
  std::vector<std::vector<float>> images;
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  for (int k = 0; k < n; ++k) {
    std::vector<float> image(kImageSize, 0.0f);
    // A blob and a bar at random places: not digits, but they exercise every weight.
    const int cx = 8 + k % 12, cy = 6 + (k * 7) % 14;
    for (int y = 0; y < kImageSide; ++y)
      for (int x = 0; x < kImageSide; ++x) {
        const float d = static_cast<float>((x - cx) * (x - cx) + (y - cy) * (y - cy));
        image[y * kImageSide + x] = (d < 20 ? 1.0f : 0.0f) + (x == 20 - k % 8 ? u(rng) : 0.0f);
      }
    images.push_back(image);
  }
  return images;
}

// Serializes a version 3 file by hand, with entries this program has never heard of.
std::string handmade_v3(const Model& m, bool drop_first_tensor) {
  const Architecture& arch = reference_architecture();
  std::ostringstream payload;
  {
    cereal::PortableBinaryOutputArchive ar(payload);
    auto bytes = [&](const std::string& s) {
      ar(cereal::make_size_tag(static_cast<cereal::size_type>(s.size())));
      ar(cereal::binary_data(s.data(), s.size()));
    };
    bytes(arch.descriptor);
    const std::size_t first = drop_first_tensor ? 1 : 0;
    ar(static_cast<std::uint32_t>(arch.tensors.size() - first + 1));
    const std::vector<float> future(33, 0.5f);
    bytes("from.the.future");
    ar(static_cast<std::uint8_t>(0), cereal::make_size_tag(static_cast<cereal::size_type>(future.size())));
    ar(cereal::binary_data(future.data(), future.size() * 4));
    for (std::size_t i = first; i < arch.tensors.size(); ++i) {
      bytes(arch.tensors[i].name);
      ar(static_cast<std::uint8_t>(0), cereal::make_size_tag(static_cast<cereal::size_type>(m.tensors[i].size())));
      ar(cereal::binary_data(m.tensors[i].data(), m.tensors[i].size() * 4));
    }
    ar(static_cast<std::uint32_t>(3));
    bytes("a.key.nobody.knows");
    bytes("whatever");
    bytes("test_accuracy");
    bytes("0.5");
    bytes("calibration.temperature");
    bytes("1.25");
  }
  std::string file;
  std::ostringstream out;
  {
    cereal::PortableBinaryOutputArchive ar(out);
    ar(cereal::binary_data("DGTW", 4));
    ar(std::uint32_t{3}, std::uint64_t{0});
    const std::string p = payload.str();
    ar(cereal::make_size_tag(static_cast<cereal::size_type>(p.size())));
    ar(cereal::binary_data(p.data(), p.size()));
  }
  file = out.str();
  testing::fix_checksum(file);
  return file;
}

}  // namespace

TEST_CASE("every weight file the project shipped still loads and predicts as before", "[core][model][compat]") {
  const std::string v1_bytes = read_file(kData + "mnist-v1.dgw");
  const std::string v2_bytes = read_file(kData + "mnist-v2-f16.dgw");
  REQUIRE(v1_bytes[5] == 1);
  REQUIRE(v2_bytes[5] == 2);
  const Model v1 = load_model(kData + "mnist-v1.dgw");
  const Model v2 = load_model(kData + "mnist-v2-f16.dgw");
  // What those files recorded when they were shipped.
  CHECK(v1.meta.test_accuracy == Approx(0.9965f).margin(1e-6));
  CHECK(v1.meta.epochs == v2.meta.epochs);
  CHECK(v1.meta.temperature == 1.0f);
  CHECK(v1.digit_score.empty());
  CHECK(v2.digit_score.empty());
  CHECK(v1.personal.empty());
  // Rewritten in today's format, nothing changes: tensors, metadata, predictions.
  const Model again = parse(serialize_model(v1));
  CHECK(again.tensors == v1.tensors);
  CHECK(again.meta.confusion == v1.meta.confusion);
  CHECK(again.meta.trained_at == v1.meta.trained_at);
  Network a(v1), b(again), half(v2);
  Recognizer r(v1);
  CHECK_FALSE(r.has_digit_score());
  for (const auto& image : test_images(20)) {
    const Probabilities p = a.predict(image.data());
    CHECK(b.predict(image.data()) == p);
    CHECK(argmax(half.predict(image.data())) == argmax(p));
    std::array<float, kImageSize> input;
    std::copy(image.begin(), image.end(), input.begin());
    const DigitReading d = r.classify(input);
    CHECK(d.probabilities == p);  // no calibration: exactly the network's softmax
    CHECK(d.is_digit);
    CHECK_FALSE(d.has_digit_score);
  }
}

TEST_CASE("calibration, digit score, personalisation and properties round-trip", "[core][model]") {
  Model m = testing::random_model(21);
  m.meta.temperature = 1.7f;
  m.meta.properties["ece.mnist_test"] = "0.0042";
  const int features = 128;
  m.digit_score.method = "mahalanobis+energy";
  m.digit_score.means.assign(kClasses * features, 0.25f);
  m.digit_score.whitening.assign(features * features, 0.0f);
  for (int i = 0; i < features; ++i) m.digit_score.whitening[i * features + i] = 0.5f + 0.001f * i;
  m.digit_score.weights = {1.5f, -0.25f, -0.75f};
  m.digit_score.threshold = 0.31f;
  m.personal.base_model = "mnist.dgw";
  m.personal.examples[4] = 12;
  m.personal.steps = 99;
  for (const auto encoding : {TensorEncoding::Float32, TensorEncoding::Float16, TensorEncoding::Int8}) {
    const Model back = parse(serialize_model(m, encoding));
    // The digit score's tensors: exact in a float32 file, float16 in the others.
    const auto stored = [&](std::vector<float> v) {
      if (encoding != TensorEncoding::Float32) {
        for (float& x : v) x = half_to_float(float_to_half(x));
      }
      return v;
    };
    CHECK(back.meta.temperature == m.meta.temperature);
    CHECK(back.meta.properties == m.meta.properties);
    CHECK(back.digit_score.method == m.digit_score.method);
    CHECK(back.digit_score.means == stored(m.digit_score.means));
    CHECK(back.digit_score.whitening == stored(m.digit_score.whitening));
    CHECK(back.digit_score.weights == m.digit_score.weights);
    CHECK(back.digit_score.threshold == m.digit_score.threshold);
    CHECK(back.personal.base_model == "mnist.dgw");
    CHECK(back.personal.examples == m.personal.examples);
    CHECK(back.personal.steps == 99);
  }
  Model bad = m;
  bad.digit_score.whitening.pop_back();
  REQUIRE_THROWS_WITH(serialize_model(bad), Contains("digit score"));
}

TEST_CASE("a reader skips tensors and keys it does not know, and names a missing tensor", "[core][model]") {
  const Model m = testing::random_model(22);
  const Model back = parse(handmade_v3(m, false));
  CHECK(back.tensors == m.tensors);
  CHECK(back.meta.test_accuracy == 0.5f);
  CHECK(back.meta.temperature == 1.25f);
  REQUIRE_THROWS_WITH(parse(handmade_v3(m, true)), Contains("conv0.weights") && Contains("missing"));
}

TEST_CASE("a file larger than any model is refused before it is read", "[core][model]") {
  std::string big(kMaxWeightFileBytes + 1, '\0');
  REQUIRE_THROWS_WITH(parse(big), Contains("larger than any weights file"));
  const auto path = (std::filesystem::temp_directory_path() / "digits_big.dgw").string();
  {
    std::ofstream out(path, std::ios::binary);
    out.seekp(static_cast<std::streamoff>(kMaxWeightFileBytes) + 100);
    out.put('x');
  }
  REQUIRE_THROWS_WITH(load_model(path), Contains(path) && Contains("more than the limit"));
  std::filesystem::remove(path);
}
