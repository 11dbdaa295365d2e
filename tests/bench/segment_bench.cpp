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
// With ground truth beside the images (`digits number-set --truth`), it also
// says why each misread number went wrong (see diagnose()) and how well the
// classifier reads every digit cut out exactly by the truth ("oracle cut").
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
  int capped = 0;  // readings that used the whole classifier-call budget
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
  const Segmentation s =
      segment(px.data(), w, h, [&](const std::array<float, kImageSize>& in) { return r.classify(in).as_part(); });
  calls = s.classifier_calls;
  cpu_ms = cpu_now_ms() - cpu;
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Which digit (1, 2, ...; 0 none) owns each pixel, from `digits number-set --truth`; empty when absent.
std::vector<std::uint8_t> load_truth(const std::string& png, int w, int h) {
  const std::string path = png.substr(0, png.size() - 4) + ".truth";
  int tw = 0, th = 0, n = 0;
  unsigned char* data = stbi_load(path.c_str(), &tw, &th, &n, 1);
  if (!data) return {};
  std::vector<std::uint8_t> owner;
  if (tw == w && th == h) owner.assign(data, data + static_cast<std::size_t>(w) * h);
  stbi_image_free(data);
  return owner;
}

struct Truth {
  std::vector<Box> boxes;  // each digit's own ink
};

Truth truth_boxes(const std::vector<std::uint8_t>& owner, int w, int h, std::size_t count) {
  std::vector<int> x0(count, w), y0(count, h), x1(count, -1), y1(count, -1);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const int o = owner[static_cast<std::size_t>(y) * w + x] - 1;
      if (o < 0 || o >= static_cast<int>(count)) continue;
      x0[o] = std::min(x0[o], x), x1[o] = std::max(x1[o], x), y0[o] = std::min(y0[o], y), y1[o] = std::max(y1[o], y);
    }
  }
  Truth t;
  for (std::size_t i = 0; i < count; ++i) t.boxes.push_back({x0[i], y0[i], x1[i] - x0[i] + 1, y1[i] - y0[i] + 1});
  return t;
}

// A part cut right: its ink box within a tenth of the digit's height of the truth's on every side.
bool matches(const Box& part, const Box& truth) {
  const int tol = std::max(2, truth.height / 10);
  return std::abs(part.x - truth.x) <= tol && std::abs(part.y - truth.y) <= tol &&
         std::abs(part.x + part.width - truth.x - truth.width) <= tol &&
         std::abs(part.y + part.height - truth.y - truth.height) <= tol;
}

// Why a number was misread, the first cause that applies:
//   merged    two digits are in one group that has no cut candidate (settled whole, or too narrow)
//   no-cut    some digit has no candidate part cut like it
//   misread   every digit has a candidate cut like it, and one of those reads wrong (the classifier)
//   chose     every digit has a right candidate reading right: the dynamic program preferred another reading
std::string diagnose(const SegmentTrace& trace, const Truth& truth, const std::vector<std::uint8_t>& owner,
                     const std::string& number) {
  const std::size_t n = truth.boxes.size();
  std::vector<std::map<int, long>> in_group(n);
  for (std::size_t i = 0; i < owner.size(); ++i) {
    if (owner[i] > 0 && owner[i] <= n && trace.group_of_pixel[i] >= 0)
      ++in_group[owner[i] - 1][trace.group_of_pixel[i]];
  }
  std::vector<int> main_group(n, -1);
  for (std::size_t d = 0; d < n; ++d) {
    long most = 0;
    for (const auto& [g, count] : in_group[d]) {
      if (count > most) most = count, main_group[d] = g;
    }
  }
  bool all_found = true, all_right = true;
  for (std::size_t d = 0; d < n; ++d) {
    bool found = false, right = false;
    for (const SegmentTrace::Part& p : trace.parts) {
      if (!matches(p.box, truth.boxes[d])) continue;
      found = true;
      right = right || p.label == number[d] - '0';
    }
    if (!found) {
      all_found = false;
      const int g = main_group[d];
      const bool shared = std::count(main_group.begin(), main_group.end(), g) > 1;
      if (g >= 0 && shared && trace.groups[static_cast<std::size_t>(g)].seams == 0) {
        return trace.groups[static_cast<std::size_t>(g)].settled ? "merged (settled)" : "merged (no seams)";
      }
    }
    all_right = all_right && right;
  }
  if (!all_found) return "no-cut";
  return all_right ? "chose" : "misread";
}

void print_trace(const std::string& name, const SegmentTrace& trace, const Truth& truth) {
  std::printf("%s\n  truth:", name.c_str());
  for (const Box& b : truth.boxes) std::printf(" [%d %d %d %d]", b.x, b.y, b.width, b.height);
  std::printf("\n  groups:");
  for (const SegmentTrace::Group& g : trace.groups)
    std::printf(" [%d %d %d %d%s %d seams]", g.box.x, g.box.y, g.box.width, g.box.height, g.settled ? " settled" : "",
                g.seams);
  std::printf("\n");
  for (const SegmentTrace::Part& p : trace.parts)
    std::printf("  %s[%d %d %d %d] %d %.2f %.2f\n", p.chosen ? "*" : " ", p.box.x, p.box.y, p.box.width, p.box.height,
                p.label, p.confidence, p.score);
}

// Each digit cut out by the truth (the pixels it owns), preprocessed alone, read: right or not.
std::vector<bool> oracle(Recognizer& r, const std::vector<float>& px, const std::vector<std::uint8_t>& owner, int w,
                         int h, const std::string& number, bool inverted) {
  std::vector<bool> right;
  for (std::size_t d = 0; d < number.size(); ++d) {
    std::vector<float> alone(px.size(), inverted ? 1.0f : 0.0f);
    for (std::size_t i = 0; i < px.size(); ++i) {
      if (owner[i] == d + 1) alone[i] = px[i];
    }
    // Anti-aliased edges (below the ink threshold) belong to no one: give them to their ink's owner.
    for (int y = 1; y + 1 < h; ++y) {
      for (int x = 1; x + 1 < w; ++x) {
        const std::size_t i = static_cast<std::size_t>(y) * w + x;
        if (owner[i] != 0) continue;
        for (int k : {-1, 1, -w, w}) {
          if (owner[i + k] == d + 1) alone[i] = px[i];
        }
      }
    }
    const Preprocessed p = preprocess(alone.data(), w, h);
    right.push_back(!p.empty && r.classify(p.image).label == number[d] - '0');
  }
  return right;
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
  std::map<std::string, std::map<std::string, int>> causes;          // per group: misread numbers by cause
  std::map<std::string, std::pair<long, long>> oracle_digits;        // per group: right, total
  std::map<std::string, int> oracle_numbers, oracle_failed_numbers;  // numbers whose every oracle cut reads right
  std::map<std::pair<std::string, std::size_t>, std::vector<double>> by_length, cpu_by_length;
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
    const std::vector<std::uint8_t> owner = load_truth(file, w, h);
    std::string cause;
    if (!owner.empty()) {
      const std::vector<bool> o = oracle(recognizer, px, owner, w, h, truth, r.inverted);
      const long good = std::count(o.begin(), o.end(), true);
      oracle_digits[group].first += good;
      oracle_digits[group].second += static_cast<long>(o.size());
      const bool all = good == static_cast<long>(o.size());
      oracle_numbers[group] += all;
      if (r.number != truth) {
        SegmentTrace trace;
        segment(
            px.data(), w, h, [&](const std::array<float, kImageSize>& in) { return recognizer.classify(in).as_part(); },
            &trace);
        const Truth t = truth_boxes(owner, w, h, truth.size());
        cause = diagnose(trace, t, owner, truth);
        if (std::getenv("TRACE")) print_trace(name, trace, t);
        ++causes[group][cause];
        oracle_failed_numbers[group] += all;
      }
    }
    if (r.number == truth) {
      ++s.right;
    } else {
      if (verbose) std::printf("%s: read %s %s\n", name.c_str(), r.number.c_str(), cause.c_str());
      if (dump_dir) dump(std::string(dump_dir) + "/" + name + "_read_" + r.number + ".png", px, w, h, r);
    }
    for (int i = 0; i < repeats; ++i) {
      int calls = 0;
      double cpu = 0;
      const double ms = time_segment(recognizer, px, w, h, calls, cpu);
      s.ms.push_back(ms);
      s.cpu_ms.push_back(cpu);
      by_length[{group, truth.size()}].push_back(ms);
      cpu_by_length[{group, truth.size()}].push_back(cpu);
      s.calls += calls;
      s.capped += i == 0 && calls >= kMaxClassifierCalls;
    }
  }
  for (const auto& [name, s] : groups) {
    std::printf(
        "%-9s exact %6.2f%% of %4d, per digit %6.2f%%; segment() median %.2f ms (CPU %.2f ms), p99 %.2f ms, %.1f "
        "classifier calls, %d at the bound\n",
        name.c_str(), 100.0 * s.right / s.total, s.total, 100.0 * (1.0 - static_cast<double>(s.errors) / s.digits),
        percentile(s.ms, 0.5), percentile(s.cpu_ms, 0.5), percentile(s.ms, 0.99),
        static_cast<double>(s.calls) / std::max(1, s.total * repeats), s.capped);
  }
  for (const auto& [name, by_cause] : causes) {
    std::printf("%-9s misread numbers by cause:", name.c_str());
    for (const auto& [cause, count] : by_cause) std::printf(" %s %d,", cause.c_str(), count);
    const auto [good, all] = oracle_digits[name];
    std::printf(" | oracle cut: per digit %.2f%%, numbers all right %d of %d (%d of the misread)\n",
                100.0 * good / std::max(1L, all), oracle_numbers[name], groups[name].total,
                oracle_failed_numbers[name]);
  }
  for (const auto& [key, ms] : by_length) {
    const auto& [group, length] = key;
    std::printf("%-9s %zu digit%s: segment() median %.2f ms (CPU %.2f ms), p99 %.2f ms (%zu runs)\n", group.c_str(),
                length, length == 1 ? "" : "s", percentile(ms, 0.5), percentile(cpu_by_length[key], 0.5),
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
