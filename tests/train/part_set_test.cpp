// Segmentation's own candidate parts (train/part_set.h): labelled by who
// owns their ink, seeded, and a bad part file refused.
#include "part_set.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "digits/error.h"
#include "digits/idx.h"
#include "digits/recognize.h"

using namespace digits;
using namespace digits::train;

namespace {

const std::filesystem::path kDir = std::filesystem::temp_directory_path() / "digits-part-set-test";

PartSetOptions options(const std::string& name, std::uint32_t seed) {
  std::filesystem::create_directories(kDir);
  PartSetOptions o;
  o.data_dir = DIGITS_SOURCE_DIR "/.deps/mnist";
  o.weights = DIGITS_SOURCE_DIR "/weights/mnist-i8.dgw";
  o.output = (kDir / name).string();
  o.count = 25;
  o.seed = seed;
  return o;
}

std::string bytes_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("part-set labels segmentation's candidates by the digit that owns their ink", "[part_set]") {
  const PartSetOptions o = options("a.parts", 5);
  REQUIRE(write_part_set(o) == 0);
  const PartPool pool = load_part_set(o.output);
  REQUIRE(pool.digits.size() >= 25);  // every number has at least two right parts among its candidates
  REQUIRE(pool.wrong.size() >= pool.digits.size());

  // A part labelled a digit is one: the shipped model (which never saw these
  // parts) reads nearly all of them as their label. Labels taken from the
  // wrong digit of the number, or parts of two digits, would not be.
  Recognizer recognizer(load_model(o.weights));
  std::array<float, kImageSize> input{};
  int agree = 0, sure_wrong = 0;
  for (int k : pool.digits) {
    to_unit_floats(&pool.images[static_cast<std::size_t>(k) * kImageSize], input.data(), kImageSize);
    agree += recognizer.classify(input).label == pool.labels[static_cast<std::size_t>(k)];
  }
  for (int k : pool.wrong) {
    to_unit_floats(&pool.images[static_cast<std::size_t>(k) * kImageSize], input.data(), kImageSize);
    const DigitReading d = recognizer.classify(input);
    sure_wrong += d.is_digit && d.confidence > 0.99f;
  }
  CHECK(agree >= 0.9 * static_cast<double>(pool.digits.size()));
  // Wrong parts are what segmentation must refuse: most read unsurely or as no digit.
  CHECK(sure_wrong < 0.5 * static_cast<double>(pool.wrong.size()));

  // Drawn for training: both kinds, about half each.
  std::mt19937 rng(1);
  int digits = 0;
  for (int i = 0; i < 400; ++i) digits += part_input(pool, rng, input.data()) >= 0;
  CHECK(digits > 150);
  CHECK(digits < 250);
}

TEST_CASE("part-set is seeded: the same seed writes the same file, another seed another", "[part_set]") {
  const PartSetOptions a = options("s1.parts", 9), b = options("s2.parts", 9), c = options("s3.parts", 10);
  REQUIRE(write_part_set(a) == 0);
  REQUIRE(write_part_set(b) == 0);
  REQUIRE(write_part_set(c) == 0);
  CHECK(bytes_of(a.output) == bytes_of(b.output));
  CHECK(bytes_of(a.output) != bytes_of(c.output));
}

TEST_CASE("a part file that is not one, truncated or with a bad label is refused", "[part_set]") {
  const PartSetOptions o = options("good.parts", 5);
  REQUIRE(write_part_set(o) == 0);
  const std::string good = bytes_of(o.output);
  auto refused = [&](const std::string& bytes, const std::string& message) {
    const std::string path = (kDir / "bad.parts").string();
    std::ofstream(path, std::ios::binary) << bytes;
    try {
      (void)load_part_set(path);
      FAIL("loaded a bad part file");
    } catch (const Error& e) {
      CHECK_THAT(e.what(), Catch::Contains(message));
    }
  };
  refused("not a part file at all", "not a part file");
  refused(good.substr(0, good.size() - 100), "truncated");
  std::string bad_label = good;
  bad_label[12] = 12;  // the first part's label
  refused(bad_label, "label is out of range");
  CHECK_THROWS_AS(load_part_set((kDir / "missing.parts").string()), Error);
}
