// `digits finetune`: reads labelled drawings, tunes, scores, writes.
#include "finetune.h"

#include <algorithm>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <random>
#include <vector>

#include "digits/error.h"
#include "digits/finetune.h"
#include "digits/idx.h"
#include "digits/preprocess.h"
#include "image_io.h"
#include "parallel_evaluate.h"

namespace digits::train {
namespace {

namespace fs = std::filesystem;

// "0007_4.png" -> 4; -1 when the name does not end in _<digit>.
int label_of(const fs::path& file) {
  const std::string stem = file.stem().string();
  if (stem.size() < 2 || stem[stem.size() - 2] != '_') return -1;
  const char c = stem.back();
  return c >= '0' && c <= '9' ? c - '0' : -1;
}

// Every drawing of `dir` in file-name order, preprocessed like a canvas.
std::vector<LabelledImage> read_drawings(const std::string& dir) {
  if (!fs::is_directory(dir)) throw Error(dir + ": not a folder of labelled drawings");
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string ext = entry.path().extension().string();
    if (entry.is_regular_file() && (ext == ".png" || ext == ".pgm")) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<LabelledImage> out;
  for (const fs::path& f : files) {
    const int label = label_of(f);
    if (label < 0) throw Error(f.string() + ": the file name must end in _<label>, e.g. 0007_4.png");
    const GrayImage img = read_gray_image(f.string());
    const Preprocessed pre = preprocess(img.pixels.data(), img.width, img.height);
    if (pre.empty) throw Error(f.string() + ": no digit found (the image is blank)");
    out.push_back({pre.image, label});
  }
  if (out.empty()) throw Error(dir + ": no .png or .pgm drawings named <anything>_<label>.png");
  return out;
}

float accuracy(Network& net, const std::vector<LabelledImage>& set) {
  int right = 0;
  for (const LabelledImage& e : set) right += argmax(net.predict(e.image.data())) == e.label;
  return static_cast<float>(right) / static_cast<float>(set.size());
}

std::vector<LabelledImage> replay_digits(const std::string& data_dir, int count, std::uint32_t seed) {
  const Dataset train = load_mnist(data_dir, "train");
  std::vector<int> order(static_cast<std::size_t>(train.images.count));
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  std::mt19937 rng(seed);
  std::shuffle(order.begin(), order.end(), rng);
  std::vector<LabelledImage> out(static_cast<std::size_t>(std::min<int>(count, train.images.count)));
  for (std::size_t i = 0; i < out.size(); ++i) {
    to_unit_floats(train.images.image(order[i]), out[i].image.data(), kImageSize);
    out[i].label = train.labels[order[i]];
  }
  return out;
}

}  // namespace

int run_finetune(const FinetuneOptions& o) {
  const Model base = load_model(o.weights);
  const std::vector<LabelledImage> examples = read_drawings(o.examples);
  std::vector<LabelledImage> held_out;
  if (!o.test.empty()) held_out = read_drawings(o.test);
  FineTuneOptions tune;
  tune.seed = o.seed;
  if (o.steps_per_example > 0) tune.steps_per_example = o.steps_per_example;
  if (o.learning_rate > 0) tune.learning_rate = o.learning_rate;
  if (o.user_share > 0) tune.user_share = o.user_share;
  if (o.anchor >= 0) tune.anchor = o.anchor;
  FineTuner tuner(base, fs::path(o.weights).filename().string(), replay_digits(o.data_dir, o.replay, o.seed), tune);
  std::cout << std::fixed << std::setprecision(2);
  if (!held_out.empty())
    std::cout << "held-out accuracy before: " << 100 * accuracy(tuner.network(), held_out) << "%\n";
  // As in the page: each example is learned from right after it is given.
  for (const LabelledImage& e : examples) {
    tuner.add_example(e.image, e.label);
    tuner.run(tuner.pending_steps());
  }
  std::cout << "learned " << examples.size() << " examples in " << tuner.steps_taken() << " steps (last loss "
            << std::setprecision(4) << tuner.last_loss() << std::setprecision(2) << ")\n";
  if (!held_out.empty()) std::cout << "held-out accuracy after: " << 100 * accuracy(tuner.network(), held_out) << "%\n";
  Model personal = tuner.model();
  // The metadata describes the model that is saved: its own test metrics.
  evaluate_in_parallel(personal, load_mnist(o.data_dir, "t10k")).metrics.fill(personal.meta);
  std::cout << "MNIST test accuracy: " << 100 * base.meta.test_accuracy << "% -> " << 100 * personal.meta.test_accuracy
            << "%\n";
  save_model(personal, o.output);
  std::cout << "wrote " << o.output << '\n';
  return 0;
}

}  // namespace digits::train
