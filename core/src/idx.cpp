// IDX parsing with bounds checked before every read.
#include "digits/idx.h"

#include "digits/architecture.h"
#include "digits/error.h"
#include "digits/model.h"

namespace digits {
namespace {

class Reader {
 public:
  Reader(const void* data, std::size_t size, const std::string& source)
      : p_(static_cast<const std::uint8_t*>(data)), size_(size), source_(source) {}

  std::uint32_t u32(const char* what) {
    need(4, what);
    const std::uint32_t v = (std::uint32_t(p_[pos_]) << 24) | (std::uint32_t(p_[pos_ + 1]) << 16) |
                            (std::uint32_t(p_[pos_ + 2]) << 8) | std::uint32_t(p_[pos_ + 3]);
    pos_ += 4;
    return v;
  }
  const std::uint8_t* bytes(std::size_t n, const char* what) {
    need(n, what);
    const std::uint8_t* at = p_ + pos_;
    pos_ += n;
    return at;
  }
  void expect_end() const {
    if (pos_ != size_) fail(std::to_string(size_ - pos_) + " unexpected bytes after the data");
  }
  [[noreturn]] void fail(const std::string& message) const { throw Error(source_ + ": " + message); }

 private:
  void need(std::size_t n, const char* what) const {
    if (size_ - pos_ < n) {
      fail(std::string("truncated: ") + what + " needs " + std::to_string(n) + " bytes, only " +
           std::to_string(size_ - pos_) + " left");
    }
  }
  const std::uint8_t* p_;
  std::size_t size_, pos_ = 0;
  const std::string& source_;
};

}  // namespace

IdxImages parse_idx_images(const void* data, std::size_t size, const std::string& source) {
  Reader r(data, size, source);
  const std::uint32_t magic = r.u32("magic number");
  if (magic != 0x803) r.fail("not an IDX image file (magic " + std::to_string(magic) + ", expected 2051)");
  const std::uint32_t count = r.u32("image count"), rows = r.u32("row count"), cols = r.u32("column count");
  if (rows == 0 || cols == 0 || rows > 4096 || cols > 4096) {
    r.fail("implausible image size " + std::to_string(rows) + "x" + std::to_string(cols));
  }
  const std::uint64_t bytes = std::uint64_t(count) * rows * cols;
  if (bytes > size) r.fail("truncated: header promises " + std::to_string(count) + " images, file is too short");
  IdxImages images;
  images.count = static_cast<int>(count);
  images.rows = static_cast<int>(rows);
  images.cols = static_cast<int>(cols);
  const std::uint8_t* px = r.bytes(bytes, "pixels");
  images.pixels.assign(px, px + bytes);
  r.expect_end();
  return images;
}

std::vector<std::uint8_t> parse_idx_labels(const void* data, std::size_t size, const std::string& source) {
  Reader r(data, size, source);
  const std::uint32_t magic = r.u32("magic number");
  if (magic != 0x801) r.fail("not an IDX label file (magic " + std::to_string(magic) + ", expected 2049)");
  const std::uint32_t count = r.u32("label count");
  if (count > size) r.fail("truncated: header promises " + std::to_string(count) + " labels, file is too short");
  const std::uint8_t* p = r.bytes(count, "labels");
  std::vector<std::uint8_t> labels(p, p + count);
  r.expect_end();
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] >= kClasses) r.fail("label " + std::to_string(i) + " is " + std::to_string(labels[i]) + ", not 0-9");
  }
  return labels;
}

Dataset load_mnist(const std::string& dir, const std::string& prefix) {
  const std::string image_path = dir + "/" + prefix + "-images-idx3-ubyte";
  const std::string label_path = dir + "/" + prefix + "-labels-idx1-ubyte";
  const std::string image_bytes = read_file(image_path);
  const std::string label_bytes = read_file(label_path);
  Dataset d;
  d.images = parse_idx_images(image_bytes.data(), image_bytes.size(), image_path);
  d.labels = parse_idx_labels(label_bytes.data(), label_bytes.size(), label_path);
  if (d.images.rows != kImageSide || d.images.cols != kImageSide) {
    throw Error(image_path + ": images are " + std::to_string(d.images.rows) + "x" + std::to_string(d.images.cols) +
                ", the model needs 28x28");
  }
  if (static_cast<std::size_t>(d.images.count) != d.labels.size()) {
    throw Error(image_path + " has " + std::to_string(d.images.count) + " images but " + label_path + " has " +
                std::to_string(d.labels.size()) + " labels");
  }
  return d;
}

void to_unit_floats(const std::uint8_t* pixels, float* out, int count) {
  for (int i = 0; i < count; ++i) out[i] = pixels[i] / 255.0f;
}

}  // namespace digits
