// Segmentation cost and accuracy on a folder of number images (written by
// `digits number-set`, named <index>_<group>_<number>.png):
//   segment_bench WEIGHTS FOLDER [REPEATS]
// Prints, per group, exact-number accuracy through Recognizer::recognize()
// and the median / 99th-percentile time of segment() alone with the
// classifier calls it makes, and the same for an empty 560x280 canvas and a
// single digit on one (the page's canvas), where no classifier call is made.
#include <algorithm>
#include <chrono>
#include <cstdio>
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

using namespace digits;
using Clock = std::chrono::steady_clock;

namespace {

struct Stats {
  int total = 0, right = 0;
  long calls = 0;
  std::vector<double> ms;
};

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * v.size()))];
}

// Time of segment() alone, the classifier's time included (it is part of segmentation).
double time_segment(Recognizer& r, const std::vector<float>& px, int w, int h, int& calls) {
  const auto start = Clock::now();
  const Segmentation s =
      segment(px.data(), w, h, [&](const std::array<float, kImageSize>& in) { return r.classify(in).confidence; });
  calls = s.classifier_calls;
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: segment_bench WEIGHTS FOLDER [REPEATS]\n");
    return 1;
  }
  Recognizer recognizer(load_model(argv[1]));
  const int repeats = argc > 3 ? std::max(1, std::atoi(argv[3])) : 1;
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(argv[2])) {
    if (e.path().extension() == ".png") files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  std::map<std::string, Stats> groups;
  const bool verbose = std::getenv("VERBOSE") != nullptr;
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
    if (r.number == truth) {
      ++s.right;
    } else if (verbose) {
      std::printf("%s: read %s\n", name.c_str(), r.number.c_str());
    }
    for (int i = 0; i < repeats; ++i) {
      int calls = 0;
      s.ms.push_back(time_segment(recognizer, px, w, h, calls));
      s.calls += calls;
    }
  }
  for (const auto& [name, s] : groups) {
    std::printf("%-9s exact %6.2f%% of %4d; segment() median %.2f ms, p99 %.2f ms, %.1f classifier calls\n",
                name.c_str(), 100.0 * s.right / s.total, s.total, percentile(s.ms, 0.5), percentile(s.ms, 0.99),
                static_cast<double>(s.calls) / (s.total * repeats));
  }

  // The page's canvas: blank, and one digit (a 7) drawn on it.
  std::vector<float> canvas(560 * 280, 0.0f);
  for (int y = 60; y < 80; ++y) {
    for (int x = 200; x < 340; ++x) canvas[y * 560 + x] = 1.0f;
  }
  for (int y = 80; y < 240; ++y) {
    for (int x = 0; x < 20; ++x) canvas[y * 560 + 320 - (y - 80) / 2 + x] = 1.0f;
  }
  std::vector<double> ms, whole;
  for (int i = 0; i < 200; ++i) {
    int calls = 0;
    ms.push_back(time_segment(recognizer, canvas, 560, 280, calls));
    const auto start = Clock::now();
    const Preprocessed p = preprocess(canvas.data(), 560, 280);
    whole.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count() + 0 * p.ink.x);
  }
  std::printf("one digit on 560x280: segment() median %.3f ms (preprocess() alone %.3f ms)\n", percentile(ms, 0.5),
              percentile(whole, 0.5));
  return 0;
}
