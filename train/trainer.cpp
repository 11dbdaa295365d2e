// The training loop: data split, per-epoch shuffling and augmentation, each
// epoch fed to tiny-dnn's train() in chunks of whole batches, evaluation with
// core's inference, checkpoints, early stopping, and the final weights file
// with its report.
#include "trainer.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <numeric>
#include <random>
#include <sstream>

#include "adam.h"
#include "augment.h"
#include "checkpoint.h"
#include "digits/error.h"
#include "digits/evaluate.h"
#include "digits/idx.h"
#include "digits/model.h"
#include "negatives.h"
#include "neighbours.h"
#include "parallel_evaluate.h"
#include "part_set.h"
#include "report.h"
#include "styles.h"
#include "thread_pool.h"
#include "tiny_network.h"
#include "weight_average.h"

namespace digits::train {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kChunkImages = 4096;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Options a resumed run must share with the run that wrote the checkpoint.
// (--epochs and --patience may change: a run can be extended or finished early.)
std::string fingerprint(const TrainOptions& o) {
  std::ostringstream os;
  os << "batch=" << o.batch_size << " lr=" << o.learning_rate << " lr_decay=" << o.lr_decay << " seed=" << o.seed
     << " augment=" << (o.augment ? "on" : "off") << " styles=" << o.style_fraction
     << " negatives=" << o.negative_fraction << " validation=" << o.validation << " limit=" << o.limit;
  if (o.average > 0) os << " average=" << o.average;
  if (o.mnist_augment < 1) os << " mnist_augment=" << o.mnist_augment;
  if (o.neighbour_fraction > 0) os << " neighbours=" << o.neighbour_fraction;
  if (o.part_fraction > 0) os << " parts=" << o.part_fraction;
  if (o.miscut_fraction > 0) os << " miscuts=" << o.miscut_fraction;
  if (!o.init.empty()) os << " init=" << std::filesystem::path(o.init).filename().string();
  return os.str();
}

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::ostringstream os;
  os << std::put_time(&tm, "%Y-%m-%dT%H:%M:%SZ");
  return os.str();
}

std::string format_duration(double s) {
  std::ostringstream os;
  const int total = static_cast<int>(s);
  os << total / 60 << ':' << std::setw(2) << std::setfill('0') << total % 60;
  return os.str();
}

// A one-line progress bar on a terminal; a line every 10% otherwise (logs).
class Progress {
 public:
  Progress(int epoch, std::size_t total) : epoch_(epoch), total_(total), start_(Clock::now()), tty_(isatty(2)) {}
  void advance(std::size_t n) {
    done_ = std::min(total_, done_ + n);
    const double elapsed = seconds_since(start_);
    const int decile = static_cast<int>(10 * done_ / total_);
    if (tty_ ? elapsed - last_ < 0.25 && done_ < total_ : decile == last_decile_) return;
    last_ = elapsed;
    last_decile_ = decile;
    const double rate = done_ / std::max(elapsed, 1e-9);
    const int width = 30, filled = static_cast<int>(width * done_ / total_);
    std::cerr << (tty_ ? "\r" : "") << "epoch " << epoch_ << " [" << std::string(filled, '=')
              << std::string(width - filled, ' ') << "] " << done_ << '/' << total_ << "  " << std::fixed
              << std::setprecision(0) << rate << " img/s  ETA " << format_duration((total_ - done_) / rate)
              << (tty_ ? "   " : "\n") << std::flush;
    if (tty_ && done_ == total_) std::cerr << '\n';
  }

 private:
  int epoch_;
  std::size_t total_, done_ = 0;
  Clock::time_point start_;
  bool tty_;
  double last_ = -1;
  int last_decile_ = -1;
};

}  // namespace

Split split_data(const Dataset& data, const TrainOptions& o) {
  std::vector<int> order(static_cast<std::size_t>(data.images.count));
  std::iota(order.begin(), order.end(), 0);
  std::mt19937 rng(o.seed);
  std::shuffle(order.begin(), order.end(), rng);
  if (o.limit > 0 && o.limit < static_cast<int>(order.size())) order.resize(static_cast<std::size_t>(o.limit));
  const int held = std::min<int>(o.validation, static_cast<int>(order.size()) / 5);
  Split s;
  s.validation.assign(order.begin(), order.begin() + held);
  s.train.assign(order.begin() + held, order.end());
  if (s.train.empty() || s.validation.empty()) throw Error("not enough training data to hold out a validation set");
  // A fixed, unaugmented sample of the training images for loss and accuracy.
  s.train_probe.assign(s.train.begin(), s.train.begin() + std::min<std::size_t>(s.train.size(), 5000));
  return s;
}

// An epoch's items: MNIST training images by index, and the synthetic ones.
constexpr int kStyleItem = -1, kNegativeItem = -2, kNeighbourItem = -3, kMiscutItem = -4, kPartItem = -5;

namespace {

// The epoch's order of the training items: a shuffle drawn from the seed.
std::vector<int> epoch_order(const std::vector<int>& train, const TrainOptions& o, int epoch) {
  std::mt19937 rng(o.seed * 7919u + static_cast<std::uint32_t>(epoch) + 1);
  std::vector<int> order = train;
  order.insert(order.end(), static_cast<std::size_t>(std::lround(o.style_fraction * train.size())), kStyleItem);
  order.insert(order.end(), static_cast<std::size_t>(std::lround(o.negative_fraction * train.size())), kNegativeItem);
  order.insert(order.end(), static_cast<std::size_t>(std::lround(o.neighbour_fraction * train.size())), kNeighbourItem);
  order.insert(order.end(), static_cast<std::size_t>(std::lround(o.miscut_fraction * train.size())), kMiscutItem);
  order.insert(order.end(), static_cast<std::size_t>(std::lround(o.part_fraction * train.size())), kPartItem);
  std::shuffle(order.begin(), order.end(), rng);
  return order;
}

struct Synthetic {
  StyleSource styles;
  std::unique_ptr<NegativeSource> negatives;
  PartPool parts;
};

// A fixed set of world-style digits (from the training split's digits, with
// a seed of its own) that validation scores next to MNIST's, so the epoch
// kept is good at both.
Dataset style_validation_set(const StyleSource& styles, int count, std::uint32_t seed) {
  Dataset d;
  d.images.count = count;
  d.images.rows = d.images.cols = kImageSide;
  d.images.pixels.resize(static_cast<std::size_t>(count) * kImageSize);
  d.labels.resize(static_cast<std::size_t>(count));
  std::mt19937 rng(seed ^ 0x5eed5u);
  std::array<float, kImageSize> image;
  for (int i = 0; i < count; ++i) {
    const int label = i % kClasses;
    while (!style_input(label, rng, styles, image.data())) {
    }
    for (int p = 0; p < kImageSize; ++p) {
      d.images.pixels[static_cast<std::size_t>(i) * kImageSize + p] =
          static_cast<std::uint8_t>(std::lround(255 * image[p]));
    }
    d.labels[i] = static_cast<std::uint8_t>(label);
  }
  return d;
}

// Images order[begin, end) as tiny-dnn inputs and labels, augmented
// in parallel; each image's distortion comes from its own RNG, seeded by
// (seed, epoch, position), so the result does not depend on the thread split.
// Targets are one-hot for digits and uniform for negatives (outlier
// exposure: the network learns to spread its belief over anything unlike a
// digit, which the digit score then reads).
void prepare_chunk(const Dataset& data, const Synthetic& synthetic, const std::vector<int>& order, std::size_t begin,
                   std::size_t end, const TrainOptions& o, int epoch, std::vector<tiny_dnn::vec_t>& inputs,
                   std::vector<tiny_dnn::vec_t>& targets) {
  const std::size_t n = end - begin;
  inputs.resize(n);
  targets.resize(n);
  const AugmentConfig config;
  parallel_ranges(static_cast<int>(n), [&](int first, int last, int) {
    std::array<float, kImageSize> raw;
    for (int k = first; k < last; ++k) {
      const int index = order[begin + static_cast<std::size_t>(k)];
      std::seed_seq seq{o.seed, static_cast<std::uint32_t>(epoch), static_cast<std::uint32_t>(begin + k)};
      std::mt19937 rng(seq);
      tiny_dnn::vec_t& target = targets[k];
      target.assign(kClasses, 0.0f);
      bool augmented = o.augment;
      if (index >= 0) {
        to_unit_floats(data.images.image(index), raw.data(), kImageSize);
        target[data.labels[index]] = 1.0f;
        if (o.mnist_augment < 1) augmented = augmented && std::bernoulli_distribution(o.mnist_augment)(rng);
      } else if (index == kStyleItem) {
        const int label = std::uniform_int_distribution<int>(0, kClasses - 1)(rng);
        while (!style_input(label, rng, synthetic.styles, raw.data())) {
        }
        target[label] = 1.0f;
        augmented = o.augment && std::uniform_int_distribution<int>(0, 1)(rng) == 0;  // already drawn in a random hand
      } else if (index == kNeighbourItem) {
        int label = 0;
        while (!neighbour_input(synthetic.styles, rng, label, raw.data())) {
        }
        target[label] = 1.0f;
      } else if (index == kPartItem) {
        const int label = part_input(synthetic.parts, rng, raw.data());
        if (label >= 0) {
          target[label] = 1.0f;
        } else {
          target.assign(kClasses, 1.0f / kClasses);
        }
        augmented = false;  // exactly what segmentation hands the classifier
      } else if (index == kMiscutItem) {
        while (!miscut_input(synthetic.styles, rng, raw.data())) {
        }
        target.assign(kClasses, 1.0f / kClasses);
      } else {
        while (!synthetic.negatives->input(rng, raw.data())) {
        }
        target.assign(kClasses, 1.0f / kClasses);
      }
      tiny_dnn::vec_t& image = inputs[k];
      image.resize(kImageSize);
      if (augmented) {
        augment(raw.data(), image.data(), rng, config);
      } else {
        std::copy(raw.begin(), raw.end(), image.begin());
      }
    }
  });
}

void write_csv(const std::vector<EpochLog>& history, const std::string& path) {
  std::ostringstream os;
  os << "epoch,loss,train_accuracy,validation_accuracy,seconds,images_per_second\n";
  for (const EpochLog& e : history) {
    os << e.epoch << ',' << e.loss << ',' << e.train_accuracy << ',' << e.validation_accuracy << ',' << e.seconds << ','
       << e.images_per_second << '\n';
  }
  write_file_atomically(path, os.str());
}

void save_adam(TinyNetwork& t, Adam& adam, Checkpoint& c) {
  c.adam.clear();
  for (tiny_dnn::vec_t* w : t.parameters) c.adam.push_back(adam.state(w));
}

void restore_adam(TinyNetwork& t, Adam& adam, const Checkpoint& c, const std::string& path) {
  if (c.adam.size() != t.parameters.size()) throw Error(path + ": optimizer state does not match the network");
  for (std::size_t i = 0; i < t.parameters.size(); ++i) adam.state(t.parameters[i]) = c.adam[i];
}

}  // namespace

int run_training(const TrainOptions& o) {
  if (o.epochs < 1 || o.batch_size < 1 || o.learning_rate <= 0 || o.patience < 1) {
    throw Error("epochs, batch size, learning rate and patience must be positive");
  }
  const std::string checkpoint_path = o.checkpoint.empty() ? o.output + ".ckpt" : o.checkpoint;
  const std::string csv_path = o.output + ".csv";
  // Fail on an unwritable output now, not after an hour of training.
  {
    const std::string probe = o.output + ".tmp";
    if (!std::ofstream(probe, std::ios::binary))
      throw Error(o.output + ": cannot write there (does the folder exist?)");
    std::filesystem::remove(probe);
  }

  const Dataset train_data = load_mnist(o.data_dir, "train");
  const Dataset test_data = load_mnist(o.data_dir, "t10k");
  const Split split = split_data(train_data, o);
  std::cerr << "training on " << split.train.size() << " images, validating on " << split.validation.size() << " ("
            << fingerprint(o) << ")\n";

  Synthetic synthetic;
  synthetic.styles = make_style_source(train_data, split.train);
  if (o.negative_fraction > 0) {
    synthetic.negatives = std::make_unique<NegativeSource>(NegativeSplit::Train, o.fashion_dir);
  }
  if (o.part_fraction > 0) {
    if (o.parts.empty()) throw Error("--part-fraction needs --parts FILE (digits part-set writes one)");
    synthetic.parts = load_part_set(o.parts);
    if (synthetic.parts.digits.empty() || synthetic.parts.wrong.empty())
      throw Error(o.parts + ": the part file needs both digits and not-digits");
  }
  const Dataset style_validation =
      style_validation_set(synthetic.styles, o.style_fraction > 0 ? std::min(2000, o.validation) : 0, o.seed);

  tiny_dnn::set_random_seed(o.seed);
  TinyNetwork tiny;
  build_network(tiny, o.stock_kernels ? Kernels::Stock : Kernels::Fast);
  if (!o.init.empty()) load_parameters(tiny, load_model(o.init));
  Adam adam;
  WeightAverage average(o.average);

  Checkpoint state;
  state.fingerprint = fingerprint(o);
  if (o.resume && std::filesystem::exists(checkpoint_path)) {
    Checkpoint saved = load_checkpoint(checkpoint_path);
    if (saved.fingerprint != state.fingerprint) {
      throw Error(checkpoint_path + " was made with different options (" + saved.fingerprint +
                  "); pass the same options or start without --resume");
    }
    state = std::move(saved);
    load_parameters(tiny, parse_model(state.model.data(), state.model.size(), checkpoint_path));
    restore_adam(tiny, adam, state, checkpoint_path);
    average.tensors() = state.average;
    average.updates() = state.average_updates;
    std::cerr << "resuming from " << checkpoint_path << " at epoch " << state.next_epoch + 1 << '\n';
  } else if (o.resume) {
    std::cerr << "no checkpoint at " << checkpoint_path << ", starting from scratch\n";
  }

  // An epoch is fed to tiny-dnn in chunks of whole batches, so only one
  // chunk of prepared images is in memory (the batches are the same as in
  // one call over the whole epoch).
  const std::size_t batch = static_cast<std::size_t>(o.batch_size);
  const std::size_t chunk = batch * ((kChunkImages + batch - 1) / batch);
  std::vector<tiny_dnn::vec_t> inputs, targets;
  int since_best = state.best_epoch < 0 ? 0 : static_cast<int>(state.history.size()) - 1 - state.best_epoch;
  while (state.next_epoch < o.epochs && since_best < o.patience) {
    const int epoch = state.next_epoch;
    const auto start = Clock::now();
    const std::vector<int> order = epoch_order(split.train, o, epoch);
    reseed_dropout(tiny, o.seed * 31u + static_cast<std::uint64_t>(epoch));
    adam.learning_rate = o.learning_rate * std::pow(o.lr_decay, static_cast<float>(epoch));

    Progress progress(epoch + 1, order.size());
    const auto fit_start = Clock::now();
    for (std::size_t begin = 0; begin < order.size(); begin += chunk) {
      prepare_chunk(train_data, synthetic, order, begin, std::min(order.size(), begin + chunk), o, epoch, inputs,
                    targets);
      tiny.net.fit<tiny_dnn::cross_entropy_multiclass>(
          adam, inputs, targets, batch, 1,
          [&] {
            if (o.average > 0) average.update(tiny);
            progress.advance(batch);
          },
          [] {});
    }
    const double fit_seconds = seconds_since(fit_start);

    // Validation: MNIST's held-out images, weighted 3:1 with the held-out
    // style digits when training draws them (the style set is nearly always
    // right, so MNIST decides; a drop on styles still counts).
    Model model = extract_parameters(tiny);
    auto validate = [&](const Model& m, double& mnist, double& style) {
      mnist = evaluate_in_parallel(m, train_data, split.validation).metrics.accuracy();
      style = 0;
      if (style_validation.images.count == 0) return mnist;
      style = evaluate_in_parallel(m, style_validation).metrics.accuracy();
      return (3 * mnist + style) / 4;
    };
    double mnist = 0, style = 0;
    double validation = validate(model, mnist, style);
    bool averaged = false;
    Model smooth;
    if (!average.empty()) {
      smooth = average.model();
      double smooth_mnist = 0, smooth_style = 0;
      const double smooth_validation = validate(smooth, smooth_mnist, smooth_style);
      if (smooth_validation >= validation) {
        validation = smooth_validation, mnist = smooth_mnist, style = smooth_style;
        averaged = true;
      }
      state.average = average.tensors();
      state.average_updates = average.updates();
    }
    const EvaluationResult probe = evaluate_in_parallel(model, train_data, split.train_probe);
    EpochLog log{epoch + 1,  probe.mean_loss,      probe.metrics.accuracy(),
                 validation, seconds_since(start), order.size() / fit_seconds};
    state.history.push_back(log);
    state.seconds += log.seconds;
    state.model = serialize_model(model);
    if (log.validation_accuracy > state.best_validation) {
      state.best_validation = log.validation_accuracy;
      state.best_epoch = epoch;
      state.best_model = averaged ? serialize_model(smooth) : state.model;
      since_best = 0;
    } else {
      ++since_best;
    }
    state.next_epoch = epoch + 1;
    save_adam(tiny, adam, state);
    save_checkpoint(state, checkpoint_path);
    write_csv(state.history, csv_path);
    std::cerr << std::fixed << std::setprecision(4) << "epoch " << log.epoch << "/" << o.epochs << "  loss " << log.loss
              << "  train " << 100 * log.train_accuracy << "%  val " << 100 * mnist << "%  style val " << 100 * style
              << "%" << (averaged ? " (averaged weights)  " : "  ") << std::setprecision(0) << log.seconds << " s  "
              << log.images_per_second << " img/s" << (since_best == 0 ? "  (best)" : "") << '\n';
  }
  if (since_best >= o.patience) {
    std::cerr << "early stop: no better validation accuracy for " << o.patience << " epochs\n";
  }

  Model best = parse_model(state.best_model.data(), state.best_model.size(), checkpoint_path);
  const EvaluationResult test = evaluate_in_parallel(best, test_data);
  ModelMetadata& meta = best.meta;
  test.metrics.fill(meta);
  meta.dataset = "MNIST (" + std::to_string(split.train.size()) + " train / " +
                 std::to_string(split.validation.size()) + " validation / " + std::to_string(test_data.images.count) +
                 " test)";
  meta.training_config = "epochs=" + std::to_string(o.epochs) + " patience=" + std::to_string(o.patience) + " " +
                         fingerprint(o) + " optimizer=adam batch_norm_momentum=0.99";
  meta.trained_at = utc_now();
  meta.epochs = static_cast<std::uint32_t>(state.best_epoch + 1);
  meta.train_seconds = state.seconds;
  meta.validation_accuracy = static_cast<float>(state.best_validation);
  save_model(best, o.output);
  const std::string report_path = std::filesystem::path(o.output).replace_extension(".md").string();
  write_file_atomically(report_path, markdown_report(meta, state.history));
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::cerr << "peak memory " << usage.ru_maxrss / 1024 << " MB\n";
  std::cerr << "best epoch " << meta.epochs << ": test accuracy " << std::fixed << std::setprecision(2)
            << 100.0 * meta.test_accuracy << "%\nwrote " << o.output << ", " << report_path << " and " << csv_path
            << '\n';
  return 0;
}

}  // namespace digits::train
