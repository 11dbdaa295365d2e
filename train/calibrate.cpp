// Temperature scaling, the digit score's fit and method choice, ECE and the
// reliability diagram.
//
// [SECTION] Running the network over sets of inputs
// [SECTION] Temperature and calibration error
// [SECTION] Digit score: Gaussian features, logistic fit, AUROC
// [SECTION] Report and reliability diagram
// [SECTION] run_calibrate
#include "calibrate.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <map>
#include <numeric>
#include <random>
#include <sstream>
#include <tuple>

#include "digits/digit_score.h"
#include "digits/error.h"
#include "digits/idx.h"
#include "digits/inference.h"
#include "digits/model.h"
#include "digits/preprocess.h"
#include "image_io.h"
#include "negatives.h"
#include "styles.h"
#include "thread_pool.h"
#include "trainer.h"

#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_easy_font.h>
#include <stb/stb_image_write.h>

namespace digits::train {
namespace {

constexpr int kFeatures = 128;
constexpr int kBins = 15;

// [SECTION] Running the network over sets of inputs

struct Set {
  std::string name;
  std::vector<float> inputs;  // n x 784
  std::vector<int> labels;    // -1: not a digit
  std::vector<std::string> kinds;
  std::vector<float> logits, features;  // filled by run()
  int size() const { return static_cast<int>(labels.size()); }
  void add(const float* image, int label, const std::string& kind = "") {
    inputs.insert(inputs.end(), image, image + kImageSize);
    labels.push_back(label);
    kinds.push_back(kind);
  }
};

void run(const Model& model, Set& set) {
  const int n = set.size();
  set.logits.resize(static_cast<std::size_t>(n) * kClasses);
  set.features.resize(static_cast<std::size_t>(n) * kFeatures);
  parallel_ranges(n, [&](int begin, int end, int) {
    Network net(model);
    for (int i = begin; i < end; ++i) {
      net.predict(&set.inputs[static_cast<std::size_t>(i) * kImageSize]);
      std::copy(net.logits().begin(), net.logits().end(), &set.logits[static_cast<std::size_t>(i) * kClasses]);
      std::copy(net.features().begin(), net.features().end(), &set.features[static_cast<std::size_t>(i) * kFeatures]);
    }
  });
}

Set mnist_set(const std::string& name, const Dataset& d, const std::vector<int>& indices) {
  Set s;
  s.name = name;
  std::array<float, kImageSize> image;
  for (int i : indices) {
    to_unit_floats(d.images.image(i), image.data(), kImageSize);
    s.add(image.data(), d.labels[i]);
  }
  return s;
}

Set style_set(const std::string& name, const StyleSource& source, int count, unsigned seed) {
  Set s;
  s.name = name;
  std::mt19937 rng(seed);
  std::array<float, kImageSize> image;
  for (int i = 0; i < count; ++i) {
    while (!style_input(i % kClasses, rng, source, image.data())) {
    }
    s.add(image.data(), i % kClasses);
  }
  return s;
}

Set negative_set(const std::string& name, const NegativeSource& source, int count, unsigned seed) {
  Set s;
  s.name = name;
  std::mt19937 rng(seed);
  std::array<float, kImageSize> image;
  while (s.size() < count) {
    Canvas canvas(160, 160);
    const std::string kind = source.draw(rng, canvas);
    if (canvas_input(canvas, image.data())) s.add(image.data(), -1, kind);
  }
  return s;
}

// PNGs whose names end in _<label>.png (the drawn and style sets).
Set folder_set(const std::string& name, const std::string& dir) {
  Set s;
  s.name = name;
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".png") files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) throw Error(dir + ": no PNG files");
  for (const std::string& f : files) {
    const std::string stem = std::filesystem::path(f).stem().string();
    const char last = stem.empty() ? '?' : stem.back();
    if (last < '0' || last > '9') throw Error(f + ": the file name does not end in _<digit>");
    const GrayImage img = read_gray_image(f);
    const Preprocessed p = preprocess(img.pixels.data(), img.width, img.height);
    if (p.empty) continue;
    const auto dash = stem.find('_'), last_dash = stem.rfind('_');
    s.add(p.image.data(), last - '0', dash < last_dash ? stem.substr(dash + 1, last_dash - dash - 1) : "");
  }
  return s;
}

// [SECTION] Temperature and calibration error

std::array<float, kClasses> probabilities(const Set& s, int i, float t) {
  const Probabilities p = softmax(&s.logits[static_cast<std::size_t>(i) * kClasses], t);
  return p;
}

double nll(const std::vector<const Set*>& sets, float t) {
  double sum = 0;
  int n = 0;
  for (const Set* s : sets) {
    for (int i = 0; i < s->size(); ++i) {
      sum -= std::log(std::max(1e-12f, probabilities(*s, i, t)[s->labels[i]]));
      ++n;
    }
  }
  return sum / std::max(1, n);
}

float fit_temperature(const std::vector<const Set*>& sets) {
  double a = std::log(0.1), b = std::log(10.0);  // golden-section search on log T
  const double g = (std::sqrt(5.0) - 1) / 2;
  double c = b - g * (b - a), d = a + g * (b - a);
  for (int it = 0; it < 60; ++it) {
    if (nll(sets, static_cast<float>(std::exp(c))) < nll(sets, static_cast<float>(std::exp(d)))) {
      b = d;
    } else {
      a = c;
    }
    c = b - g * (b - a);
    d = a + g * (b - a);
  }
  return static_cast<float>(std::exp((a + b) / 2));
}

struct Reliability {
  std::array<int, kBins> count{};
  std::array<double, kBins> confidence{}, accuracy{};  // means per bin
  double ece = 0, accuracy_all = 0;
  int total = 0;
};

Reliability reliability(const Set& s, float t) {
  Reliability r;
  for (int i = 0; i < s.size(); ++i) {
    const auto p = probabilities(s, i, t);
    const int label = static_cast<int>(std::max_element(p.begin(), p.end()) - p.begin());
    const int bin = std::min(kBins - 1, static_cast<int>(p[label] * kBins));
    ++r.count[bin];
    r.confidence[bin] += p[label];
    r.accuracy[bin] += label == s.labels[i];
    r.accuracy_all += label == s.labels[i];
  }
  r.total = s.size();
  for (int b = 0; b < kBins; ++b) {
    if (r.count[b] == 0) continue;
    r.ece += std::fabs(r.accuracy[b] - r.confidence[b]) / std::max(1, r.total);
    r.confidence[b] /= r.count[b];
    r.accuracy[b] /= r.count[b];
  }
  r.accuracy_all /= std::max(1, r.total);
  return r;
}

// [SECTION] Digit score: Gaussian features, logistic fit, AUROC

// Class means and W = L^-1 with L L^T the shared covariance (plus a small
// ridge: ReLU features have dead dimensions), so |W (f - mean)|^2 is the
// squared Mahalanobis distance.
void fit_gaussians(const std::vector<const Set*>& sets, DigitScoreParams& p) {
  std::vector<double> mean(kClasses * kFeatures, 0.0), cov(kFeatures * kFeatures, 0.0);
  std::array<int, kClasses> count{};
  for (const Set* s : sets)
    for (int i = 0; i < s->size(); ++i) {
      ++count[s->labels[i]];
      for (int k = 0; k < kFeatures; ++k) mean[s->labels[i] * kFeatures + k] += s->features[i * kFeatures + k];
    }
  for (int c = 0; c < kClasses; ++c)
    for (int k = 0; k < kFeatures; ++k) mean[c * kFeatures + k] /= std::max(1, count[c]);
  int n = 0;
  std::vector<double> centred(kFeatures);
  for (const Set* s : sets)
    for (int i = 0; i < s->size(); ++i, ++n) {
      for (int k = 0; k < kFeatures; ++k)
        centred[k] = s->features[i * kFeatures + k] - mean[s->labels[i] * kFeatures + k];
      for (int a = 0; a < kFeatures; ++a)
        for (int b = 0; b <= a; ++b) cov[a * kFeatures + b] += centred[a] * centred[b];
    }
  double trace = 0;
  for (int a = 0; a < kFeatures; ++a) trace += cov[a * kFeatures + a] / n;
  for (int a = 0; a < kFeatures; ++a) {
    for (int b = 0; b <= a; ++b) cov[a * kFeatures + b] /= n;
    cov[a * kFeatures + a] += 1e-3 * trace / kFeatures;
  }
  // Cholesky (lower), then the inverse of L by forward substitution.
  std::vector<double> L(kFeatures * kFeatures, 0.0), W(kFeatures * kFeatures, 0.0);
  for (int a = 0; a < kFeatures; ++a)
    for (int b = 0; b <= a; ++b) {
      double sum = cov[a * kFeatures + b];
      for (int k = 0; k < b; ++k) sum -= L[a * kFeatures + k] * L[b * kFeatures + k];
      L[a * kFeatures + b] = a == b ? std::sqrt(std::max(sum, 1e-12)) : sum / L[b * kFeatures + b];
    }
  for (int col = 0; col < kFeatures; ++col)
    for (int row = col; row < kFeatures; ++row) {
      double sum = row == col ? 1.0 : 0.0;
      for (int k = col; k < row; ++k) sum -= L[row * kFeatures + k] * W[k * kFeatures + col];
      W[row * kFeatures + col] = sum / L[row * kFeatures + row];
    }
  p.means.assign(mean.begin(), mean.end());
  p.whitening.assign(W.begin(), W.end());
}

struct Signals {
  std::vector<float> energy, root_distance, max_probability;
};

Signals signals(const Set& s, const DigitScoreParams& p, float t) {
  DigitScorer scorer(p);
  Signals out;
  for (int i = 0; i < s.size(); ++i) {
    const DigitScoreSignals x = scorer.signals(&s.features[i * kFeatures], &s.logits[i * kClasses], t);
    out.energy.push_back(x.energy);
    out.root_distance.push_back(std::sqrt(x.distance));
    const auto pr = probabilities(s, i, t);
    out.max_probability.push_back(*std::max_element(pr.begin(), pr.end()));
  }
  return out;
}

// Class-balanced logistic regression by Newton's method on standardised
// inputs; returns {bias, w_energy, w_root_distance} on the raw inputs.
std::array<float, 3> fit_logistic(const Signals& pos, const Signals& neg, bool use_energy, bool use_distance) {
  std::vector<std::array<double, 3>> x;
  std::vector<double> y, weight;
  auto add = [&](const Signals& s, double label, double w) {
    for (std::size_t i = 0; i < s.energy.size(); ++i) {
      x.push_back({1.0, use_energy ? s.energy[i] : 0.0, use_distance ? s.root_distance[i] : 0.0});
      y.push_back(label);
      weight.push_back(w);
    }
  };
  add(pos, 1.0, 0.5 / pos.energy.size());
  add(neg, 0.0, 0.5 / neg.energy.size());
  std::array<double, 3> mu{0, 0, 0}, sd{1, 1, 1};
  for (int k = 1; k < 3; ++k) {
    double m = 0, v = 0;
    for (const auto& r : x) m += r[k];
    m /= x.size();
    for (const auto& r : x) v += (r[k] - m) * (r[k] - m);
    mu[k] = m;
    sd[k] = std::max(1e-9, std::sqrt(v / x.size()));
  }
  for (auto& r : x)
    for (int k = 1; k < 3; ++k) r[k] = (r[k] - mu[k]) / sd[k];
  std::array<double, 3> w{0, 0, 0};
  for (int it = 0; it < 50; ++it) {
    double g[3] = {0, 0, 0}, h[3][3] = {{1e-6, 0, 0}, {0, 1e-6, 0}, {0, 0, 1e-6}};
    for (std::size_t i = 0; i < x.size(); ++i) {
      const double z = w[0] * x[i][0] + w[1] * x[i][1] + w[2] * x[i][2];
      const double p = 1 / (1 + std::exp(-z));
      for (int a = 0; a < 3; ++a) {
        g[a] += weight[i] * (p - y[i]) * x[i][a];
        for (int b = 0; b < 3; ++b) h[a][b] += weight[i] * p * (1 - p) * x[i][a] * x[i][b];
      }
    }
    // Solve h d = g (3x3, Cramer's rule is plenty here).
    auto det3 = [](double m[3][3]) {
      return m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
             m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
    };
    const double det = det3(h);
    if (std::fabs(det) < 1e-18) break;
    for (int k = 0; k < 3; ++k) {
      double m[3][3];
      for (int a = 0; a < 3; ++a)
        for (int b = 0; b < 3; ++b) m[a][b] = b == k ? g[a] : h[a][b];
      w[k] -= det3(m) / det;
    }
  }
  // Back to raw inputs: z = w0 + sum_k w_k (x_k - mu_k) / sd_k.
  std::array<float, 3> raw{};
  raw[0] = static_cast<float>(w[0] - w[1] * mu[1] / sd[1] - w[2] * mu[2] / sd[2]);
  raw[1] = use_energy ? static_cast<float>(w[1] / sd[1]) : 0.0f;
  raw[2] = use_distance ? static_cast<float>(w[2] / sd[2]) : 0.0f;
  return raw;
}

std::vector<float> logistic_scores(const Signals& s, const std::array<float, 3>& w) {
  std::vector<float> out;
  for (std::size_t i = 0; i < s.energy.size(); ++i) {
    out.push_back(1.0f / (1.0f + std::exp(-(w[0] + w[1] * s.energy[i] + w[2] * s.root_distance[i]))));
  }
  return out;
}

double auroc(const std::vector<float>& pos, const std::vector<float>& neg) {
  std::vector<std::pair<float, int>> all;
  for (float v : pos) all.emplace_back(v, 1);
  for (float v : neg) all.emplace_back(v, 0);
  std::sort(all.begin(), all.end());
  double rank_sum = 0;
  for (std::size_t i = 0; i < all.size();) {  // average ranks over ties
    std::size_t j = i;
    while (j < all.size() && all[j].first == all[i].first) ++j;
    const double rank = (i + 1 + j) / 2.0;
    for (std::size_t k = i; k < j; ++k)
      if (all[k].second) rank_sum += rank;
    i = j;
  }
  const double np = pos.size(), nn = neg.size();
  return (rank_sum - np * (np + 1) / 2) / (np * nn);
}

float quantile(std::vector<float> v, double q) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(q * v.size()))];
}

double rate_at_least(const std::vector<float>& v, float threshold) {
  return std::count_if(v.begin(), v.end(), [&](float x) { return x >= threshold; }) / std::max<double>(1, v.size());
}

// [SECTION] Report and reliability diagram

void fill(std::vector<std::uint8_t>& img, int width, int x0, int y0, int x1, int y1, std::uint8_t v) {
  const int height = static_cast<int>(img.size()) / width;
  for (int y = std::max(0, y0); y < std::min(height, y1); ++y)
    for (int x = std::max(0, x0); x < std::min(width, x1); ++x) img[y * width + x] = v;
}

void text(std::vector<std::uint8_t>& img, int width, int x, int y, const std::string& s, std::uint8_t v) {
  static char buffer[60000];
  const int quads = stb_easy_font_print(0, 0, const_cast<char*>(s.c_str()), nullptr, buffer, sizeof buffer);
  const float* q = reinterpret_cast<const float*>(buffer);
  for (int i = 0; i < quads; ++i, q += 16) {  // 4 vertices of x, y, z, colour
    fill(img, width, x + static_cast<int>(q[0]), y + static_cast<int>(q[1]), x + static_cast<int>(q[8]),
         y + static_cast<int>(q[9]), v);
  }
}

// One panel per set: bars of observed accuracy per confidence bin against
// the diagonal (perfect calibration), calibrated and uncalibrated ECE.
std::string reliability_png(const std::vector<std::pair<std::string, std::pair<Reliability, Reliability>>>& panels) {
  constexpr int kPanel = 260, kPlot = 200, kMargin = 36;
  const int width = kPanel * static_cast<int>(panels.size()), height = kPanel + 40;
  std::vector<std::uint8_t> img(static_cast<std::size_t>(width) * height, 255);
  for (std::size_t p = 0; p < panels.size(); ++p) {
    const int ox = static_cast<int>(p) * kPanel + kMargin, oy = 30;
    const Reliability& after = panels[p].second.second;
    const Reliability& before = panels[p].second.first;
    text(img, width, ox, 8, panels[p].first, 0);
    fill(img, width, ox, oy, ox + kPlot, oy + kPlot, 245);
    for (int b = 0; b < kBins; ++b) {
      if (after.count[b] == 0) continue;
      const int x0 = ox + b * kPlot / kBins, x1 = ox + (b + 1) * kPlot / kBins - 1;
      fill(img, width, x0, oy + kPlot - static_cast<int>(after.accuracy[b] * kPlot), x1, oy + kPlot, 90);
    }
    for (int i = 0; i < kPlot; ++i) fill(img, width, ox + i, oy + kPlot - i - 1, ox + i + 2, oy + kPlot - i + 1, 0);
    fill(img, width, ox, oy + kPlot, ox + kPlot, oy + kPlot + 1, 0);
    fill(img, width, ox, oy, ox + 1, oy + kPlot, 0);
    text(img, width, ox, oy + kPlot + 6, "confidence 0 .. 1", 0);
    text(img, width, ox - 30, oy, "acc", 0);
    std::ostringstream os;
    os << std::fixed << std::setprecision(2) << "ECE " << 100 * after.ece << "% (before " << 100 * before.ece << "%)";
    text(img, width, ox, oy + kPlot + 20, os.str(), 0);
  }
  int size = 0;
  unsigned char* png = stbi_write_png_to_mem(img.data(), width, width, height, 1, &size);
  if (png == nullptr) throw Error("cannot encode the reliability diagram");
  std::string bytes(reinterpret_cast<const char*>(png), static_cast<std::size_t>(size));
  STBIW_FREE(png);
  return bytes;
}

std::string percent(double x, int digits = 2) {
  std::ostringstream os;
  os << std::fixed << std::setprecision(digits) << 100 * x << '%';
  return os.str();
}

}  // namespace

// [SECTION] run_calibrate

int run_calibrate(const CalibrateOptions& o) {
  const std::string output = o.output.empty() ? o.weights : o.output;
  Model model = load_model(o.weights);
  const Dataset train = load_mnist(o.data_dir, "train");
  const Dataset test = load_mnist(o.data_dir, "t10k");
  const Split split = split_data(train, TrainOptions{});
  const StyleSource styles = make_style_source(train, split.train);
  const NegativeSource train_negatives(NegativeSplit::Train, o.fashion_dir);
  const NegativeSource test_negatives(NegativeSplit::Test, o.fashion_dir);

  std::cerr << "preparing the sets...\n";
  std::vector<int> gaussian_indices(split.train.begin(),
                                    split.train.begin() + std::min<std::size_t>(20000, split.train.size()));
  std::vector<int> all_test(static_cast<std::size_t>(test.images.count));
  std::iota(all_test.begin(), all_test.end(), 0);
  Set gauss_mnist = mnist_set("MNIST train (20k)", train, gaussian_indices);
  Set gauss_style = style_set("styles (5k)", styles, 5000, o.seed + 1);
  Set fit_mnist = mnist_set("MNIST validation", train, split.validation);
  Set fit_style = style_set("style validation", styles, 2000, o.seed + 2);
  Set fit_negatives = negative_set("negatives (training fonts)", train_negatives, o.fit_negatives, o.seed + 3);
  Set test_mnist = mnist_set("MNIST test", test, all_test);
  Set held_negatives = negative_set("negatives (held-out fonts)", test_negatives, o.test_negatives, o.seed + 4);
  std::vector<Set> extra;
  if (!o.drawn_dir.empty()) extra.push_back(folder_set("drawn-digit set", o.drawn_dir));
  if (!o.style_dir.empty()) extra.push_back(folder_set("style set", o.style_dir));
  for (Set* s : {&gauss_mnist, &gauss_style, &fit_mnist, &fit_style, &fit_negatives, &test_mnist, &held_negatives})
    run(model, *s);
  for (Set& s : extra) run(model, s);

  // Temperature on the validation digits.
  const float t = fit_temperature({&fit_mnist, &fit_style});
  std::cerr << "temperature " << t << '\n';
  std::vector<std::pair<std::string, std::pair<Reliability, Reliability>>> panels;
  panels.push_back({"MNIST test", {reliability(test_mnist, 1.0f), reliability(test_mnist, t)}});
  for (const Set& s : extra) panels.push_back({s.name, {reliability(s, 1.0f), reliability(s, t)}});

  // Digit score: every method on the same signals.
  DigitScoreParams params;
  fit_gaussians({&gauss_mnist, &gauss_style}, params);
  const Signals fit_pos_mnist = signals(fit_mnist, params, t), fit_pos_style = signals(fit_style, params, t);
  Signals fit_pos = fit_pos_mnist;
  for (auto* v : {&fit_pos.energy, &fit_pos.root_distance, &fit_pos.max_probability}) (void)v;
  fit_pos.energy.insert(fit_pos.energy.end(), fit_pos_style.energy.begin(), fit_pos_style.energy.end());
  fit_pos.root_distance.insert(fit_pos.root_distance.end(), fit_pos_style.root_distance.begin(),
                               fit_pos_style.root_distance.end());
  fit_pos.max_probability.insert(fit_pos.max_probability.end(), fit_pos_style.max_probability.begin(),
                                 fit_pos_style.max_probability.end());
  const Signals fit_neg = signals(fit_negatives, params, t);
  const Signals held_neg = signals(held_negatives, params, t);
  const Signals test_pos = signals(test_mnist, params, t);
  std::vector<Signals> extra_pos;
  for (const Set& s : extra) extra_pos.push_back(signals(s, params, t));

  struct Method {
    std::string name;
    bool energy = false, distance = false, storable = false;
    std::array<float, 3> weights{};
    double fit_auroc = 0, held_auroc = 0, threshold = 0, reject = 0, accept_mnist = 0;
    std::vector<double> accept_extra;
  };
  std::vector<Method> methods;
  for (const auto& [name, energy, distance] : {std::tuple<const char*, bool, bool>{"max-softmax", false, false},
                                               {"energy", true, false},
                                               {"mahalanobis", false, true},
                                               {"mahalanobis+energy", true, true}}) {
    Method m;
    m.name = name;
    m.energy = energy;
    m.distance = distance;
    m.storable = energy || distance;
    methods.push_back(m);
  }
  for (Method& m : methods) {
    auto score = [&](const Signals& s) { return m.storable ? logistic_scores(s, m.weights) : s.max_probability; };
    if (m.storable) m.weights = fit_logistic(fit_pos, fit_neg, m.energy, m.distance);
    const std::vector<float> mnist_scores = score(fit_pos_mnist), style_scores = score(fit_pos_style);
    std::vector<float> pos_scores = score(fit_pos);
    m.fit_auroc = auroc(pos_scores, score(fit_neg));
    // Keep o.keep of the validation digits and 99.4% of the style digits.
    m.threshold = std::min(quantile(mnist_scores, 1 - o.keep), quantile(style_scores, 0.006));
    const std::vector<float> held = score(held_neg), test_scores = score(test_pos);
    std::vector<float> all_pos = test_scores;
    for (const Signals& s : extra_pos) {
      const std::vector<float> e = score(s);
      all_pos.insert(all_pos.end(), e.begin(), e.end());
      m.accept_extra.push_back(rate_at_least(e, static_cast<float>(m.threshold)));
    }
    m.held_auroc = auroc(all_pos, held);
    m.reject = 1 - rate_at_least(held, static_cast<float>(m.threshold));
    m.accept_mnist = rate_at_least(test_scores, static_cast<float>(m.threshold));
  }
  // Chosen by AUROC on the fitting data (held-out numbers are reported, not used).
  const Method* best = nullptr;
  for (const Method& m : methods)
    if (m.storable && (!best || m.fit_auroc > best->fit_auroc)) best = &m;

  params.method = best->name;
  params.weights = best->weights;
  params.threshold = static_cast<float>(best->threshold);
  model.meta.temperature = t;
  model.digit_score = params;
  auto& props = model.meta.properties;
  props["ece.mnist_test"] = percent(panels[0].second.second.ece, 3);
  props["ece.mnist_test_uncalibrated"] = percent(panels[0].second.first.ece, 3);
  for (std::size_t i = 0; i < extra.size(); ++i) {
    const std::string key = extra[i].name == "style set" ? "style" : "drawn";
    props["ece." + key] = percent(panels[i + 1].second.second.ece, 3);
    props["accuracy." + key] = percent(panels[i + 1].second.second.accuracy_all, 2);
    props["digit_score.accept_" + key] = percent(best->accept_extra[i], 2);
  }
  props["digit_score.auroc"] = std::to_string(best->held_auroc).substr(0, 6);
  props["digit_score.reject_held_out"] = percent(best->reject, 2);
  props["digit_score.accept_mnist_test"] = percent(best->accept_mnist, 2);
  save_model(model, output);

  // The report.
  std::ostringstream md;
  md << "# Calibration and digit score\n\n`digits calibrate --weights " << o.weights << "`\n\n";
  md << "Temperature **" << std::setprecision(4) << t << "** (fitted on " << fit_mnist.size()
     << " MNIST validation and " << fit_style.size() << " style validation digits).\n\n";
  md << "| set | images | accuracy | ECE before | ECE after |\n|---|---|---|---|---|\n";
  for (const auto& [name, r] : panels) {
    md << "| " << name << " | " << r.second.total << " | " << percent(r.second.accuracy_all) << " | "
       << percent(r.first.ece) << " | **" << percent(r.second.ece) << "** |\n";
  }
  // Accuracy style by style (the style set's file names carry the style).
  for (const Set& s : extra) {
    if (s.name != "style set") continue;
    std::map<std::string, std::pair<int, int>> by_style;  // right, total
    for (int i = 0; i < s.size(); ++i) {
      const auto p = probabilities(s, i, t);
      const int label = static_cast<int>(std::max_element(p.begin(), p.end()) - p.begin());
      auto& [right, total] = by_style[s.kinds[i]];
      right += label == s.labels[i];
      ++total;
    }
    md << "\n| style | images | accuracy |\n|---|---|---|\n";
    for (const auto& [style, counts] : by_style) {
      md << "| " << style << " | " << counts.second << " | "
         << percent(static_cast<double>(counts.first) / counts.second) << " |\n";
    }
    md << '\n';
  }
  const std::string stem = std::filesystem::path(output).replace_extension("").string();
  md << "\n![Reliability diagrams](" << std::filesystem::path(stem).filename().string()
     << "-reliability.png)\n\n## Digit score: methods compared\n\n";
  md << "Fitted on " << fit_pos.energy.size() << " validation digits against " << fit_negatives.size()
     << " negatives from the training fonts; held-out: " << test_mnist.size() << " MNIST test digits";
  for (const Set& s : extra) md << " + " << s.size() << " " << s.name;
  md << " against " << held_negatives.size() << " negatives from fonts and seeds fitting never saw.\n\n";
  md << "| method | AUROC (fit) | AUROC (held-out) | reject held-out negatives | accept MNIST test";
  for (const Set& s : extra) md << " | accept " << s.name;
  md << " |\n|---|---|---|---|---";
  for (std::size_t i = 0; i < extra.size(); ++i) md << "|---";
  md << "|\n";
  for (const Method& m : methods) {
    md << "| " << (&m == best ? "**" + m.name + "** (chosen)" : m.name) << " | " << std::setprecision(4) << m.fit_auroc
       << " | " << m.held_auroc << " | " << percent(m.reject) << " | " << percent(m.accept_mnist);
    for (double a : m.accept_extra) md << " | " << percent(a);
    md << " |\n";
  }
  // Rejection by kind of negative, for the chosen method.
  md << "\n| held-out negatives (" << best->name << ") | count | rejected |\n|---|---|---|\n";
  const std::vector<float> held_scores = logistic_scores(held_neg, best->weights);
  std::vector<std::string> kinds = held_negatives.kinds;
  std::sort(kinds.begin(), kinds.end());
  kinds.erase(std::unique(kinds.begin(), kinds.end()), kinds.end());
  for (const std::string& k : kinds) {
    int n = 0, rejected = 0;
    for (int i = 0; i < held_negatives.size(); ++i) {
      if (held_negatives.kinds[i] != k) continue;
      ++n;
      rejected += held_scores[i] < best->threshold;
    }
    md << "| " << k << " | " << n << " | " << percent(static_cast<double>(rejected) / n) << " |\n";
  }
  write_file_atomically(stem + "-calibration.md", md.str());
  write_file_atomically(stem + "-reliability.png", reliability_png(panels));
  std::cout << md.str();
  std::cerr << "wrote " << output << ", " << stem << "-calibration.md and " << stem << "-reliability.png\n";
  return 0;
}

}  // namespace digits::train
