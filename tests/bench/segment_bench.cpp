// Segmentation cost and accuracy on a folder of number images (written by
// `digits number-set`, named <index>_<group>_<number>.png; the drawn-digit
// set's <index>_<source>_<label>.png works too):
//   segment_bench WEIGHTS FOLDER [REPEATS]   (REPEATS 0: accuracy only, no timing)
// Prints, per group, exact-number and per-digit accuracy through
// Recognizer::recognize() and the median / 99th-percentile time of segment()
// alone with the classifier calls it makes; the median time by number of
// digits; and the time for an empty 560x280 canvas and a single digit on one
// (the page's canvas). VERBOSE=1 lists the misread numbers; DUMP=DIR writes
// each misread image there with the boxes read drawn on it, named
// <image>_read_<number>.png, to look at.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "digits/model.h"
#include "digits/recognize.h"
#include "digits/segment.h"

#define STB_IMAGE_STATIC
#define STB_IMAGE_IMPLEMENTATION
#include <stb/stb_image.h>
#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>

using namespace digits;
using Clock = std::chrono::steady_clock;

namespace {

struct Stats {
  int total = 0, right = 0;
  long digits = 0, errors = 0;
  long calls = 0;
  std::vector<double> ms, cpu_ms;
};

// This thread's CPU time: on a machine shared with other work, wall time
// measures the load as much as the code.
double cpu_now_ms() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * v.size()))];
}

// Edit distance: a missed, an extra or a wrong digit each cost one.
int distance(const std::string& a, const std::string& b) {
  std::vector<int> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = static_cast<int>(j);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    int diagonal = row[0];
    row[0] = static_cast<int>(i);
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const int up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

// Time of segment() alone, the classifier's time included (it is part of segmentation).
double time_segment(Recognizer& r, const std::vector<float>& px, int w, int h, int& calls, double& cpu_ms) {
  const double cpu = cpu_now_ms();
  const auto start = Clock::now();
  const Segmentation s = segment(px.data(), w, h, [&](const std::array<float, kImageSize>& in) {
    const DigitReading d = r.classify(in);
    return PartReading{d.label, d.confidence, d.digit_score, d.has_digit_score, d.is_digit};
  });
  calls = s.classifier_calls;
  cpu_ms = cpu_now_ms() - cpu;
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// The image (ink dark on white) with each digit's box in mid grey and its label's
// box corner marked, written as `path`.
void dump(const std::string& path, const std::vector<float>& px, int w, int h, const Reading& r) {
  std::vector<unsigned char> out(px.size());
  const bool inverted = r.inverted;
  for (std::size_t i = 0; i < px.size(); ++i) {
    const float ink = inverted ? 1.0f - px[i] : px[i];
    out[i] = static_cast<unsigned char>(255 - std::clamp(ink, 0.0f, 1.0f) * 255);
  }
  for (std::size_t k = 0; k < r.digits.size(); ++k) {
    const Box& b = r.digits[k].box;
    const unsigned char grey = k % 2 ? 110 : 170;
    for (int x = b.x; x < b.x + b.width; ++x) {
      for (int y : {b.y, b.y + b.height - 1}) {
        if (x >= 0 && x < w && y >= 0 && y < h) out[static_cast<std::size_t>(y) * w + x] = grey;
      }
    }
    for (int y = b.y; y < b.y + b.height; ++y) {
      for (int x : {b.x, b.x + b.width - 1}) {
        if (x >= 0 && x < w && y >= 0 && y < h) out[static_cast<std::size_t>(y) * w + x] = grey;
      }
    }
  }
  stbi_write_png(path.c_str(), w, h, 1, out.data(), w);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: segment_bench WEIGHTS FOLDER [REPEATS]\n");
    return 1;
  }
  Recognizer recognizer(load_model(argv[1]));
  const int repeats = argc > 3 ? std::max(0, std::atoi(argv[3])) : 1;  // 0: accuracy only
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(argv[2])) {
    if (e.path().extension() == ".png") files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  std::map<std::string, Stats> groups;
  std::map<std::size_t, std::vector<double>> by_length, cpu_by_length;
  const bool verbose = std::getenv("VERBOSE") != nullptr;
  const char* dump_dir = std::getenv("DUMP");
  if (dump_dir) std::filesystem::create_directories(dump_dir);
  for (const std::string& file : files) {
    int w = 0, h = 0, n = 0;
    unsigned char* data = stbi_load(file.c_str(), &w, &h, &n, 1);
    if (!data) {
      std::fprintf(stderr, "%s: cannot decode\n", file.c_str());
      return 1;
    }
    std::vector<float> px(static_cast<std::size_t>(w) * h);
    for (std::size_t i = 0; i < px.size(); ++i) px[i] = data[i] / 255.0f;
    stbi_image_free(data);
    const std::string name = std::filesystem::path(file).stem().string();
    const std::size_t a = name.find('_'), b = name.rfind('_');
    const std::string group = name.substr(a + 1, b - a - 1), truth = name.substr(b + 1);
    Stats& s = groups[group];
    const Reading r = recognizer.recognize(px.data(), w, h);
    ++s.total;
    s.digits += static_cast<long>(truth.size());
    s.errors += distance(truth, r.number);
    if (r.number == truth) {
      ++s.right;
    } else {
      if (verbose) std::printf("%s: read %s\n", name.c_str(), r.number.c_str());
      if (dump_dir) dump(std::string(dump_dir) + "/" + name + "_read_" + r.number + ".png", px, w, h, r);
    }
    for (int i = 0; i < repeats; ++i) {
      int calls = 0;
      double cpu = 0;
      const double ms = time_segment(recognizer, px, w, h, calls, cpu);
      s.ms.push_back(ms);
      s.cpu_ms.push_back(cpu);
      by_length[truth.size()].push_back(ms);
      cpu_by_length[truth.size()].push_back(cpu);
      s.calls += calls;
    }
  }
  for (const auto& [name, s] : groups) {
    std::printf(
        "%-9s exact %6.2f%% of %4d, per digit %6.2f%%; segment() median %.2f ms (CPU %.2f ms), p99 %.2f ms, %.1f "
        "classifier calls\n",
        name.c_str(), 100.0 * s.right / s.total, s.total, 100.0 * (1.0 - static_cast<double>(s.errors) / s.digits),
        percentile(s.ms, 0.5), percentile(s.cpu_ms, 0.5), percentile(s.ms, 0.99),
        static_cast<double>(s.calls) / std::max(1, s.total * repeats));
  }
  for (const auto& [length, ms] : by_length) {
    std::printf("%zu digit%s: segment() median %.2f ms (CPU %.2f ms), p99 %.2f ms (%zu runs)\n", length,
                length == 1 ? "" : "s", percentile(ms, 0.5), percentile(cpu_by_length[length], 0.5),
                percentile(ms, 0.99), ms.size());
  }

  if (repeats == 0) return 0;
  // The page's canvas: blank, and one digit (a 7) drawn on it.
  std::vector<float> canvas(560 * 280, 0.0f);
  for (int y = 60; y < 80; ++y) {
    for (int x = 200; x < 340; ++x) canvas[y * 560 + x] = 1.0f;
  }
  for (int y = 80; y < 240; ++y) {
    for (int x = 0; x < 20; ++x) canvas[y * 560 + 320 - (y - 80) / 2 + x] = 1.0f;
  }
  std::vector<double> ms, cpu_ms, whole;
  for (int i = 0; i < 200; ++i) {
    int calls = 0;
    double cpu = 0;
    ms.push_back(time_segment(recognizer, canvas, 560, 280, calls, cpu));
    cpu_ms.push_back(cpu);
    const auto start = Clock::now();
    const Preprocessed p = preprocess(canvas.data(), 560, 280);
    whole.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count() + 0 * p.ink.x);
  }
  std::printf("one digit on 560x280: segment() median %.3f ms (CPU %.3f ms; preprocess() alone %.3f ms)\n",
              percentile(ms, 0.5), percentile(cpu_ms, 0.5), percentile(whole, 0.5));
  return 0;
}
