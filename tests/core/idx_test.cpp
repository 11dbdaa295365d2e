// IDX reader: good files parse, malformed ones are refused with a message.
#include "digits/idx.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "digits/error.h"

using namespace digits;
using Catch::Matchers::Contains;

namespace {

std::string be32(std::uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}

std::string images_file(std::uint32_t count, std::uint32_t rows = 28, std::uint32_t cols = 28) {
  std::string s = be32(0x803) + be32(count) + be32(rows) + be32(cols);
  for (std::uint32_t i = 0; i < count * rows * cols; ++i) s += static_cast<char>(i % 251);
  return s;
}

std::string labels_file(std::uint32_t count) {
  std::string s = be32(0x801) + be32(count);
  for (std::uint32_t i = 0; i < count; ++i) s += static_cast<char>(i % 10);
  return s;
}

IdxImages images(const std::string& s) { return parse_idx_images(s.data(), s.size(), "imgs"); }
std::vector<std::uint8_t> labels(const std::string& s) { return parse_idx_labels(s.data(), s.size(), "lbls"); }

}  // namespace

TEST_CASE("well-formed IDX files parse", "[core][idx]") {
  const IdxImages im = images(images_file(3));
  CHECK(im.count == 3);
  CHECK(im.rows == 28);
  CHECK(im.image(1)[0] == static_cast<std::uint8_t>(784 % 251));
  CHECK(labels(labels_file(12))[11] == 1);
}

TEST_CASE("malformed IDX files are refused", "[core][idx]") {
  REQUIRE_THROWS_WITH(images(labels_file(3)), Contains("imgs") && Contains("magic"));
  REQUIRE_THROWS_WITH(labels(images_file(1)), Contains("lbls") && Contains("magic"));
  const std::string full = images_file(4);
  for (std::size_t n : {0, 3, 8, 15, 16, 100, 4 * 784 + 15}) {
    INFO("length " << n);
    REQUIRE_THROWS_WITH(images(full.substr(0, n)), Contains("truncated"));
  }
  REQUIRE_THROWS_WITH(images(full + "!"), Contains("unexpected bytes"));
  REQUIRE_THROWS_WITH(labels(labels_file(5).substr(0, 10)), Contains("truncated"));
  std::string bad_label = labels_file(5);
  bad_label.back() = 10;
  REQUIRE_THROWS_WITH(labels(bad_label), Contains("not 0-9"));
  REQUIRE_THROWS_WITH(images(be32(0x803) + be32(0xFFFFFFFF) + be32(28) + be32(28)), Contains("truncated"));
  REQUIRE_THROWS_WITH(images(be32(0x803) + be32(1) + be32(0) + be32(28)), Contains("implausible"));
}

TEST_CASE("load_mnist checks sizes and counts across the two files", "[core][idx]") {
  const auto dir = std::filesystem::temp_directory_path() / "digits_idx_test";
  std::filesystem::create_directories(dir);
  auto write = [&](const char* name, const std::string& bytes) {
    std::ofstream(dir / name, std::ios::binary) << bytes;
  };
  write("t10k-images-idx3-ubyte", images_file(5));
  write("t10k-labels-idx1-ubyte", labels_file(5));
  CHECK(load_mnist(dir.string(), "t10k").labels.size() == 5);
  write("t10k-labels-idx1-ubyte", labels_file(4));
  REQUIRE_THROWS_WITH(load_mnist(dir.string(), "t10k"), Contains("5 images but") && Contains("4 labels"));
  write("t10k-images-idx3-ubyte", images_file(4, 32, 32));
  REQUIRE_THROWS_WITH(load_mnist(dir.string(), "t10k"), Contains("32x32"));
  REQUIRE_THROWS_WITH(load_mnist(dir.string(), "train"), Contains("cannot open"));
  std::filesystem::remove_all(dir);
}
