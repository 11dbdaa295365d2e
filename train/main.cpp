// `digits`: the command-line front end -- train, evaluate, predict and convert
// models, and write evaluation sets (drawn-set and the other *-set
// subcommands); `digits --help` lists every subcommand.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>

#include "calibrate.h"
#include "digits/error.h"
#include "digits/evaluate.h"
#include "digits/idx.h"
#include "digits/inference.h"
#include "digits/model.h"
#include "digits/preprocess.h"
#include "digits/recognize.h"
#include "drawn_set.h"
#include "explain.h"
#include "finetune.h"
#include "image_io.h"
#include "negatives.h"
#include "number_set.h"
#include "parallel_evaluate.h"
#include "part_set.h"
#include "predict.h"
#include "preview.h"
#include "report.h"
#include "style_set.h"
#include "trainer.h"
#include "writer_set.h"

namespace fs = std::filesystem;
using namespace digits;

namespace {

const std::string kDefaultData = DIGITS_SOURCE_DIR "/.deps/mnist";
const std::string kDefaultWeights = DIGITS_SOURCE_DIR "/weights/mnist.dgw";
const std::string kDefaultFashion = DIGITS_SOURCE_DIR "/.deps/fashion-mnist";

// What the calibrated pipeline says about the test set: expected calibration
// error (15 bins) of its stated confidence, and the share of digits the digit
// score accepts; with `negatives_dir`, the share of those non-digits it rejects.
struct Verdicts {
  double ece = 0, accepted_digits = 1, rejected_negatives = 0;
  int negatives = 0;
};

Verdicts verdicts(const Model& model, const Dataset& test, const std::string& negatives_dir) {
  Recognizer recognizer(model);
  std::array<float, kImageSize> input;
  std::array<double, 15> confidence{}, correct{};
  std::array<int, 15> count{};
  int accepted = 0;
  for (int i = 0; i < test.images.count; ++i) {
    to_unit_floats(test.images.image(i), input.data(), kImageSize);
    const DigitReading d = recognizer.classify(input);
    const int bin = std::min(14, static_cast<int>(d.confidence * 15));
    ++count[bin];
    confidence[bin] += d.confidence;
    correct[bin] += d.label == test.labels[i];
    accepted += d.is_digit;
  }
  Verdicts v;
  for (int b = 0; b < 15; ++b) v.ece += std::fabs(correct[b] - confidence[b]) / test.images.count;
  v.accepted_digits = static_cast<double>(accepted) / test.images.count;
  if (negatives_dir.empty()) return v;
  if (!recognizer.has_digit_score()) throw Error("the model has no digit score (run digits calibrate): cannot reject");
  int rejected = 0;
  for (const std::string& file : train::image_files({negatives_dir})) {
    const train::GrayImage img = train::read_gray_image(file);
    const Preprocessed p = preprocess(img.pixels.data(), img.width, img.height);
    ++v.negatives;
    rejected += p.empty || !recognizer.classify(p.image).is_digit;
  }
  if (v.negatives == 0) throw Error(negatives_dir + ": no PNG or PGM images");
  v.rejected_negatives = static_cast<double>(rejected) / v.negatives;
  return v;
}

int evaluate_command(const std::string& weights, const std::string& data, bool json, const std::string& negatives_dir) {
  const Model model = load_model(weights);
  const Dataset test = load_mnist(data, "t10k");
  const EvaluationResult r = train::evaluate_in_parallel(model, test);
  ModelMetadata meta;
  r.metrics.fill(meta);
  const Verdicts v = verdicts(model, test, negatives_dir);
  if (json) {
    nlohmann::json j = nlohmann::json::parse(train::metrics_json(meta));
    j["temperature"] = model.meta.temperature;
    j["ece"] = v.ece;
    j["has_digit_score"] = !model.digit_score.empty();
    j["digits_accepted"] = v.accepted_digits;
    if (!negatives_dir.empty()) {
      j["negatives"] = v.negatives;
      j["negatives_rejected"] = v.rejected_negatives;
    }
    std::cout << j.dump() << '\n';
  } else {
    std::cout << weights << " on " << r.metrics.total() << " test images\n" << train::metrics_text(meta);
    std::cout << std::fixed << std::setprecision(2) << "calibration: temperature " << model.meta.temperature
              << ", expected calibration error " << 100 * v.ece << "%\n";
    if (!model.digit_score.empty()) {
      std::cout << "digit score (" << model.digit_score.method << "): accepts " << 100 * v.accepted_digits
                << "% of the test digits";
      if (!negatives_dir.empty()) {
        std::cout << ", rejects " << 100 * v.rejected_negatives << "% of " << v.negatives << " non-digits in "
                  << negatives_dir;
      }
      std::cout << '\n';
    } else {
      std::cout << "digit score: none in this file (older model)\n";
    }
  }
  return 0;
}

// Rewrites a weights file with float16, int8 (or float32) tensors. The metadata's
// test metrics are recomputed for the converted model, so whatever shows them
// (the page's sidebar) reports the model that actually runs.
int convert_command(const std::string& in, const std::string& out, const std::string& data, bool half, bool int8) {
  if (half && int8) throw Error("convert: choose one of --half and --int8");
  const Model model = load_model(in);
  const TensorEncoding encoding = int8   ? TensorEncoding::Int8
                                  : half ? TensorEncoding::Float16
                                         : TensorEncoding::Float32;
  const std::string bytes = serialize_model(model, encoding);
  Model converted = parse_model(bytes.data(), bytes.size(), in);
  double largest = 0;
  for (std::size_t t = 0; t < model.tensors.size(); ++t) {
    for (std::size_t i = 0; i < model.tensors[t].size(); ++i) {
      largest = std::max(largest, static_cast<double>(std::fabs(converted.tensors[t][i] - model.tensors[t][i])));
    }
  }
  const float before = model.meta.test_accuracy;
  train::evaluate_in_parallel(converted, load_mnist(data, "t10k")).metrics.fill(converted.meta);
  save_model(converted, out, encoding);
  std::cout << "wrote " << out << " (" << fs::file_size(out) << " bytes, "
            << (int8   ? "int8 weights"
                : half ? "float16"
                       : "float32")
            << "); largest parameter change " << largest << "; test accuracy " << std::fixed << std::setprecision(2)
            << 100.0 * before << "% -> " << 100.0 * converted.meta.test_accuracy << "%\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"digits: train, evaluate and run the handwritten-digit CNN"};
  app.require_subcommand(1);

  train::TrainOptions t;
  t.data_dir = kDefaultData;
  t.output = kDefaultWeights;
  bool no_augment = false;
  auto* train_cmd = app.add_subcommand("train", "train the reference CNN on MNIST with tiny-dnn");
  train_cmd->add_option("--data", t.data_dir, "folder with the MNIST IDX files")->capture_default_str();
  train_cmd->add_option("-o,--output", t.output, "weights file to write")->capture_default_str();
  train_cmd->add_option("--checkpoint", t.checkpoint, "checkpoint file (default: <output>.ckpt)");
  train_cmd->add_option("--epochs", t.epochs, "maximum epochs")->capture_default_str();
  train_cmd->add_option("--batch-size", t.batch_size, "mini-batch size")->capture_default_str();
  train_cmd->add_option("--lr", t.learning_rate, "Adam learning rate")->capture_default_str();
  train_cmd->add_option("--lr-decay", t.lr_decay, "learning-rate factor per epoch")->capture_default_str();
  train_cmd->add_option("--seed", t.seed, "random seed (same seed, same data: same model)")->capture_default_str();
  train_cmd->add_option("--validation", t.validation, "training images held out for validation")->capture_default_str();
  train_cmd->add_option("--patience", t.patience, "early-stopping patience in epochs")->capture_default_str();
  train_cmd->add_option("--average", t.average, "decay of the per-batch weight average (0: off)")
      ->check(CLI::Range(0.0f, 0.99999f))
      ->capture_default_str();
  train_cmd->add_option("--limit", t.limit, "use only the first N training images (0: all)")->capture_default_str();
  train_cmd->add_flag("--no-augment", no_augment, "train on the images as they are");
  train_cmd->add_option("--mnist-augment", t.mnist_augment, "chance that an MNIST image is distorted")
      ->check(CLI::Range(0.0f, 1.0f))
      ->capture_default_str();
  t.fashion_dir = kDefaultFashion;
  train_cmd->add_option("--styles", t.style_fraction, "world-style digits per MNIST image (0: none)")
      ->capture_default_str();
  train_cmd->add_option("--negatives", t.negative_fraction, "not-a-digit examples per MNIST image (0: none)")
      ->capture_default_str();
  train_cmd
      ->add_option("--neighbours", t.neighbour_fraction,
                   "digits cut from touching neighbours per MNIST image (0: none)")
      ->capture_default_str();
  train_cmd
      ->add_option("--miscuts", t.miscut_fraction,
                   "wrongly cut parts of touching numbers per MNIST image, as not-a-digit examples (0: none)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  train_cmd->add_option("--parts", t.parts, "a part file (digits part-set): segmentation's own candidate parts");
  train_cmd->add_option("--part-fraction", t.part_fraction, "parts per MNIST image, half digits, half not (0: none)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  train_cmd->add_option("--fashion", t.fashion_dir, "Fashion-MNIST folder for negatives (\"\": none)")
      ->capture_default_str();
  train_cmd->add_option("--init", t.init, "start from this weights file instead of random weights");
  train_cmd->add_flag("--resume", t.resume, "continue from the checkpoint if there is one");
  train_cmd->add_flag("--stock-layers", t.stock_kernels, "use tiny-dnn's own layer kernels (slow; for comparison)");

  std::string weights = kDefaultWeights, data = kDefaultData;
  bool json = false;
  auto* eval_cmd = app.add_subcommand("evaluate", "accuracy and per-class metrics on the 10k MNIST test set");
  eval_cmd->add_option("--weights", weights, "weights file")->capture_default_str();
  eval_cmd->add_option("--data", data, "folder with the MNIST IDX files")->capture_default_str();
  eval_cmd->add_flag("--json", json, "print one JSON object");
  std::string negatives_dir;
  eval_cmd->add_option("--negatives", negatives_dir,
                       "folder of non-digit images: report the digit score's rejection rate");

  std::vector<std::string> paths;
  auto* predict_cmd = app.add_subcommand("predict", "classify PNG/PGM images (or folders of them)");
  predict_cmd->add_option("--weights", weights, "weights file")->capture_default_str();
  predict_cmd->add_flag("--json", json, "one JSON object per line");
  predict_cmd->add_option("paths", paths, "images or folders")->required();

  train::DrawnSetOptions drawn;
  drawn.data_dir = kDefaultData;
  auto* drawn_cmd = app.add_subcommand("drawn-set", "write the drawn-digit evaluation set as PNG files");
  drawn_cmd->add_option("-o,--output", drawn.out_dir, "folder to write")->required();
  drawn_cmd->add_option("--count", drawn.count, "number of images")->capture_default_str();
  drawn_cmd->add_option("--seed", drawn.seed, "random seed")->capture_default_str();
  drawn_cmd->add_option("--data", drawn.data_dir, "folder with the MNIST IDX files")->capture_default_str();

  train::StyleSetOptions style_set;
  auto* style_cmd =
      app.add_subcommand("style-set", "write the style benchmark set (the world's digit forms) as PNG files");
  style_cmd->add_option("-o,--output", style_set.out_dir, "folder to write")->required();
  style_cmd->add_option("--count", style_set.count, "number of images (cycling through the styles)")
      ->capture_default_str();
  style_cmd->add_option("--seed", style_set.seed, "random seed")->capture_default_str();

  train::NumberSetOptions numbers;
  numbers.data_dir = kDefaultData;
  auto* number_cmd = app.add_subcommand("number-set", "write the numbers evaluation set (2 to 6 digits) as PNG files");
  number_cmd->add_option("-o,--output", numbers.out_dir, "folder to write")->required();
  number_cmd->add_option("--count", numbers.count, "number of images")->capture_default_str();
  number_cmd->add_option("--seed", numbers.seed, "random seed")->capture_default_str();
  number_cmd->add_option("--data", numbers.data_dir, "folder with the MNIST IDX files")->capture_default_str();
  number_cmd->add_flag("--truth", numbers.truth, "also write <name>.truth: which digit owns each pixel (binary PGM)");

  train::PartSetOptions part_set;
  part_set.data_dir = kDefaultData;
  part_set.weights = kDefaultWeights;
  auto* part_cmd = app.add_subcommand(
      "part-set", "segment numbers of MNIST training digits and write every candidate part, labelled, for training");
  part_cmd->add_option("-o,--output", part_set.output, "part file to write")->required();
  part_cmd->add_option("--weights", part_set.weights, "the model segmentation reads with")->capture_default_str();
  part_cmd->add_option("--count", part_set.count, "numbers to compose")->capture_default_str();
  part_cmd->add_option("--seed", part_set.seed, "random seed")->capture_default_str();
  part_cmd->add_flag("--fragments", part_set.fragments, "pieces of one digit count as not digits too");
  part_cmd->add_option("--data", part_set.data_dir, "folder with the MNIST IDX files")->capture_default_str();

  std::string convert_in, convert_out;
  bool half = false, int8 = false;
  auto* convert_cmd =
      app.add_subcommand("convert", "rewrite a weights file with float16 (--half), int8 (--int8) or float32 tensors");
  convert_cmd->add_option("input", convert_in, "weights file to read")->required();
  convert_cmd->add_option("output", convert_out, "weights file to write")->required();
  convert_cmd->add_flag("--half", half, "store float16 tensors (half the size)");
  convert_cmd->add_flag("--int8", int8, "store int8 weights with a float32 scale per output channel (a quarter)");
  convert_cmd->add_option("--data", data, "MNIST folder, to re-measure test accuracy")->capture_default_str();

  train::CalibrateOptions cal;
  cal.data_dir = kDefaultData;
  cal.fashion_dir = kDefaultFashion;
  auto* calibrate_cmd =
      app.add_subcommand("calibrate", "fit the temperature and the digit score, write them into the weights file");
  calibrate_cmd->add_option("--weights", cal.weights, "weights file to calibrate")->required();
  calibrate_cmd->add_option("-o,--output", cal.output, "weights file to write (default: rewrite --weights)");
  calibrate_cmd->add_option("--keep", cal.keep, "share of the validation digits the digit score keeps")
      ->check(CLI::Range(0.9, 1.0))
      ->capture_default_str();
  calibrate_cmd->add_option("--drawn", cal.drawn_dir, "drawn-digit set folder (ECE, acceptance)");
  calibrate_cmd->add_option("--style", cal.style_dir, "style set folder (ECE, acceptance)");
  calibrate_cmd->add_option("--data", cal.data_dir, "folder with the MNIST IDX files")->capture_default_str();
  calibrate_cmd->add_option("--fashion", cal.fashion_dir, "Fashion-MNIST folder (\"\": none)")->capture_default_str();
  calibrate_cmd->add_option("--negatives", cal.fit_negatives, "negatives to fit on")->capture_default_str();
  calibrate_cmd->add_option("--held-out", cal.test_negatives, "held-out negatives to report on")->capture_default_str();

  std::string negset_out;
  int negset_count = 2000;
  unsigned negset_seed = 11;
  auto* negset_cmd =
      app.add_subcommand("negative-set", "write held-out non-digits (letters, symbols, scribbles) as PNGs");
  negset_cmd->add_option("-o,--output", negset_out, "folder to write")->required();
  negset_cmd->add_option("--count", negset_count, "number of images")->capture_default_str();
  negset_cmd->add_option("--seed", negset_seed, "random seed")->capture_default_str();

  std::string preview_kind = "styles", preview_out;
  unsigned preview_seed = 1;
  auto* preview_cmd =
      app.add_subcommand("preview", "write a mosaic of training inputs (styles, neighbours or negatives) as PNG");
  preview_cmd->add_option("kind", preview_kind, "styles, neighbours, miscuts, negatives or negatives-test")
      ->capture_default_str();
  preview_cmd->add_option("-o,--output", preview_out, "PNG file to write")->required();
  preview_cmd->add_option("--seed", preview_seed, "random seed")->capture_default_str();

  train::FinetuneOptions tune;
  tune.weights = kDefaultWeights;
  tune.data_dir = kDefaultData;
  auto* finetune_cmd =
      app.add_subcommand("finetune", "teach a model one writer's digits (a folder of labelled drawings)");
  finetune_cmd->add_option("--weights", tune.weights, "model to start from")->capture_default_str();
  finetune_cmd->add_option("--examples", tune.examples, "folder of drawings named <anything>_<label>.png")->required();
  finetune_cmd->add_option("-o,--output", tune.output, "personal weights file to write")->required();
  finetune_cmd->add_option("--test", tune.test, "folder of held-out labelled drawings to score before and after");
  finetune_cmd->add_option("--replay", tune.replay, "MNIST training digits mixed into every batch")
      ->capture_default_str();
  finetune_cmd->add_option("--steps-per-example", tune.steps_per_example, "training steps after each example");
  finetune_cmd->add_option("--lr", tune.learning_rate, "Adam learning rate");
  finetune_cmd->add_option("--user-share", tune.user_share, "part of each batch from the examples (the rest: replay)");
  finetune_cmd->add_option("--anchor", tune.anchor, "pull towards the starting weights (L2-SP strength)");
  finetune_cmd->add_option("--seed", tune.seed, "random seed")->capture_default_str();
  finetune_cmd->add_option("--data", tune.data_dir, "folder with the MNIST IDX files")->capture_default_str();

  train::WriterSetOptions writer;
  auto* writer_cmd = app.add_subcommand("writer-set", "write one synthetic writer's digits (teach/ and test/ folders)");
  writer_cmd->add_option("-o,--output", writer.out_dir, "folder to write")->required();
  writer_cmd
      ->add_option("--writer", writer.writer, "which writer (0 to " + std::to_string(train::writer_count() - 1) + ")")
      ->capture_default_str();
  writer_cmd->add_option("--teach", writer.teach_per_class, "examples per class to teach from")->capture_default_str();
  writer_cmd->add_option("--test", writer.test_per_class, "held-out digits per class")->capture_default_str();
  writer_cmd->add_option("--seed", writer.seed, "random seed")->capture_default_str();

  train::ExplainOptions explain;
  explain.weights = kDefaultWeights;
  auto* explain_cmd = app.add_subcommand("explain", "picture what the network computes for one image (PNG)");
  explain_cmd->add_option("image", explain.image, "PNG/PGM image of a digit")->required();
  explain_cmd->add_option("-o,--output", explain.output, "PNG to write")->required();
  explain_cmd->add_option("--weights", explain.weights, "weights file")->capture_default_str();
  explain_cmd->add_option("--digit", explain.digit, "which digit of a number (0: the leftmost)")->capture_default_str();

  CLI11_PARSE(app, argc, argv);
  try {
    if (*train_cmd) {
      t.augment = !no_augment;
      return train::run_training(t);
    }
    if (*eval_cmd) return evaluate_command(weights, data, json, negatives_dir);
    if (*drawn_cmd) return train::write_drawn_set(drawn);
    if (*style_cmd) return train::write_style_set(style_set);
    if (*explain_cmd) return train::explain(explain);
    if (*finetune_cmd) return train::run_finetune(tune);
    if (*writer_cmd) return train::write_writer_set(writer);
    if (*calibrate_cmd) return train::run_calibrate(cal);
    if (*negset_cmd) return train::write_negative_set(negset_out, negset_count, negset_seed, kDefaultFashion);
    if (*preview_cmd)
      return train::write_preview(preview_kind, kDefaultData, kDefaultFashion, preview_out, preview_seed);
    if (*convert_cmd) return convert_command(convert_in, convert_out, data, half, int8);
    if (*number_cmd) return train::write_number_set(numbers);
    if (*part_cmd) return train::write_part_set(part_set);
    return train::predict_command(weights, paths, json);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 1;
  }
}
