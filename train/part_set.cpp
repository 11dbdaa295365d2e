// The part file: "DGPARTS1", the part count (uint32, little-endian), then
// per part its label (int8: 0-9, or -1 for not a digit) and its 28x28 input
// as bytes.
#include "part_set.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>

#include "digits/error.h"
#include "digits/idx.h"
#include "digits/recognize.h"
#include "digits/segment.h"
#include "number_set.h"
#include "thread_pool.h"
#include "trainer.h"

namespace digits::train {
namespace {

constexpr char kMagic[8] = {'D', 'G', 'P', 'A', 'R', 'T', 'S', '1'};
constexpr float kRightShare = 0.9f, kRightCover = 0.85f;
constexpr float kWrongShare = 0.75f, kWrongCover = 0.7f;

struct Found {
  std::vector<std::uint8_t> images;
  std::vector<std::int8_t> labels;
};

// The label of a candidate part (see part_set.h): 0-9, -1 (not a digit) or
// -2 (in between: left out).
int label_part(const std::vector<int>& pixels, const ComposedNumber& n, const std::vector<long>& owned,
               bool fragments) {
  if (pixels.empty()) return -2;
  std::vector<long> mine(owned.size(), 0);
  for (int i : pixels) ++mine[n.owner[static_cast<std::size_t>(i)]];
  int best = 1;
  for (std::size_t k = 1; k < mine.size(); ++k) {
    if (mine[k] > mine[static_cast<std::size_t>(best)]) best = static_cast<int>(k);
  }
  const double share = static_cast<double>(mine[best]) / static_cast<double>(pixels.size());
  const double cover = owned[best] > 0 ? static_cast<double>(mine[best]) / static_cast<double>(owned[best]) : 0;
  if (share >= kRightShare && cover >= kRightCover) return n.number[static_cast<std::size_t>(best - 1)] - '0';
  if (share < kWrongShare || (fragments && cover < kWrongCover)) return -1;
  return -2;
}

void segment_number(Recognizer& recognizer, const ComposedNumber& n, bool fragments, Found& found) {
  SegmentTrace trace;
  (void)segment(
      n.pixels.data(), n.width, n.height,
      [&](const std::array<float, kImageSize>& input) { return recognizer.classify(input).as_part(); }, &trace);
  // Each digit's core ink, as segmentation counts ink.
  std::vector<long> owned(n.number.size() + 1, 0);
  for (std::size_t i = 0; i < n.pixels.size(); ++i) {
    if (n.pixels[i] > kInkThreshold) ++owned[n.owner[i]];
  }
  for (const SegmentTrace::Part& p : trace.parts) {
    const int label = label_part(p.pixels, n, owned, fragments);
    // A stroke cut off a digit rightly reads as a 1: taught as no digit, it
    // would teach the network to doubt every 1 (a 1 against its neighbour
    // has its own cut, find_stem in core/src/segment.cpp).
    if (label == -2 || (label == -1 && p.label == 1)) continue;
    found.labels.push_back(static_cast<std::int8_t>(label));
    for (float v : p.input)
      found.images.push_back(static_cast<std::uint8_t>(std::lround(255 * std::clamp(v, 0.0f, 1.0f))));
  }
}

}  // namespace

int write_part_set(const PartSetOptions& o) {
  if (o.count <= 0) throw Error("part-set: --count must be positive");
  const Dataset train = load_mnist(o.data_dir, "train");
  const Split split = split_data(train, TrainOptions{});  // never a validation digit
  const Model model = load_model(o.weights);
  std::vector<Found> found(static_cast<std::size_t>(ThreadPool::shared().size()));
  parallel_ranges(o.count, [&](int begin, int end, int part) {
    Recognizer recognizer(model);
    for (int i = begin; i < end; ++i) {
      std::seed_seq seq{o.seed, static_cast<std::uint32_t>(i)};
      std::mt19937 rng(seq);
      const int group = i % 5 < 3 ? 2 : i % 5 == 3 ? 1 : 0;  // touching, then near and apart
      segment_number(recognizer, compose_number(group, train, split.train, rng), o.fragments,
                     found[static_cast<std::size_t>(part)]);
    }
  });
  std::string bytes(kMagic, kMagic + sizeof kMagic);
  std::uint32_t count = 0;
  long digits = 0;
  for (const Found& f : found) count += static_cast<std::uint32_t>(f.labels.size());
  for (int b = 0; b < 4; ++b) bytes.push_back(static_cast<char>((count >> (8 * b)) & 0xff));
  for (const Found& f : found) {
    for (std::size_t k = 0; k < f.labels.size(); ++k) {
      bytes.push_back(static_cast<char>(f.labels[k]));
      bytes.append(reinterpret_cast<const char*>(&f.images[k * kImageSize]), kImageSize);
      digits += f.labels[k] >= 0;
    }
  }
  write_file_atomically(o.output, bytes);
  std::cerr << "wrote " << count << " parts of " << o.count << " numbers to " << o.output << ": " << digits
            << " digits, " << count - digits << " not digits\n";
  return 0;
}

PartPool load_part_set(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open the part file");
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.size() < 12 || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
    throw Error(path + ": not a part file (digits part-set writes them)");
  std::uint32_t count = 0;
  for (int b = 0; b < 4; ++b) count |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[8 + b])) << (8 * b);
  const std::size_t record = 1 + kImageSize;
  if (bytes.size() != 12 + record * count) throw Error(path + ": truncated or oversized part file");
  PartPool pool;
  pool.labels.resize(count);
  pool.images.resize(static_cast<std::size_t>(count) * kImageSize);
  for (std::uint32_t k = 0; k < count; ++k) {
    const char* r = bytes.data() + 12 + record * k;
    const int label = static_cast<std::int8_t>(r[0]);
    if (label < -1 || label >= kClasses) throw Error(path + ": a part's label is out of range");
    pool.labels[k] = static_cast<std::int8_t>(label);
    std::memcpy(&pool.images[static_cast<std::size_t>(k) * kImageSize], r + 1, kImageSize);
    (label >= 0 ? pool.digits : pool.wrong).push_back(static_cast<int>(k));
  }
  return pool;
}

int part_input(const PartPool& pool, std::mt19937& rng, float* out) {
  const bool digit = !pool.digits.empty() && (pool.wrong.empty() || rng() % 2 == 0);
  const std::vector<int>& from = digit ? pool.digits : pool.wrong;
  const int k = from[rng() % from.size()];
  to_unit_floats(&pool.images[static_cast<std::size_t>(k) * kImageSize], out, kImageSize);
  return pool.labels[static_cast<std::size_t>(k)];
}

}  // namespace digits::train
