// `digits`: the command-line front end -- train, evaluate, predict.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>

#include "digits/error.h"
#include "digits/evaluate.h"
#include "digits/idx.h"
#include "digits/inference.h"
#include "digits/model.h"
#include "digits/preprocess.h"
#include "drawn_set.h"
#include "finetune.h"
#include "image_io.h"
#include "parallel_evaluate.h"
#include "report.h"
#include "trainer.h"
#include "writer_set.h"

namespace fs = std::filesystem;
using namespace digits;

namespace {

const std::string kDefaultData = DIGITS_SOURCE_DIR "/.deps/mnist";
const std::string kDefaultWeights = DIGITS_SOURCE_DIR "/weights/mnist.dgw";

int evaluate_command(const std::string& weights, const std::string& data, bool json) {
  const Model model = load_model(weights);
  const Dataset test = load_mnist(data, "t10k");
  const EvaluationResult r = train::evaluate_in_parallel(model, test);
  ModelMetadata meta;
  r.metrics.fill(meta);
  if (json) {
    std::cout << train::metrics_json(meta) << '\n';
  } else {
    std::cout << weights << " on " << r.metrics.total() << " test images\n" << train::metrics_text(meta);
  }
  return 0;
}

// Rewrites a weights file with float16 (or float32) tensors. The metadata's
// test metrics are recomputed for the converted model, so whatever shows them
// (the page's sidebar) reports the model that actually runs.
int convert_command(const std::string& in, const std::string& out, const std::string& data, bool half) {
  const Model model = load_model(in);
  const TensorEncoding encoding = half ? TensorEncoding::Float16 : TensorEncoding::Float32;
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
  std::cout << "wrote " << out << " (" << fs::file_size(out) << " bytes, " << (half ? "float16" : "float32")
            << "); largest parameter change " << largest << "; test accuracy " << std::fixed << std::setprecision(2)
            << 100.0 * before << "% -> " << 100.0 * converted.meta.test_accuracy << "%\n";
  return 0;
}

std::vector<std::string> image_files(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const std::string& p : paths) {
    if (!fs::is_directory(p)) {
      files.push_back(p);
      continue;
    }
    std::vector<std::string> found;
    for (const auto& entry : fs::directory_iterator(p)) {
      std::string ext = entry.path().extension().string();
      std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
      if (entry.is_regular_file() && (ext == ".png" || ext == ".pgm")) found.push_back(entry.path().string());
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

int predict_command(const std::string& weights, const std::vector<std::string>& paths, bool json) {
  const Model model = load_model(weights);
  Network network(model);
  int failures = 0;
  for (const std::string& file : image_files(paths)) {
    try {
      const train::GrayImage img = train::read_gray_image(file);
      const Preprocessed pre = preprocess(img.pixels.data(), img.width, img.height);
      if (pre.empty) throw Error(file + ": no digit found (the image is blank)");
      const Probabilities p = network.predict(pre.image.data());
      const int label = argmax(p);
      if (json) {
        nlohmann::json j{{"file", file}, {"label", label}, {"confidence", p[label]}, {"probabilities", p}};
        std::cout << j.dump() << '\n';
      } else {
        std::cout << file << ": " << label << " (" << std::fixed << std::setprecision(1) << 100 * p[label] << "%)";
        for (float v : p) std::cout << ' ' << std::setprecision(4) << v;
        std::cout << '\n';
      }
    } catch (const Error& e) {
      std::cerr << "skipped " << e.what() << '\n';
      ++failures;
    }
  }
  return failures == 0 ? 0 : 2;
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
  train_cmd->add_option("--limit", t.limit, "use only the first N training images (0: all)")->capture_default_str();
  train_cmd->add_flag("--no-augment", no_augment, "train on the images as they are");
  train_cmd->add_flag("--resume", t.resume, "continue from the checkpoint if there is one");
  train_cmd->add_flag("--stock-layers", t.stock_kernels, "use tiny-dnn's own layer kernels (slow; for comparison)");

  std::string weights = kDefaultWeights, data = kDefaultData;
  bool json = false;
  auto* eval_cmd = app.add_subcommand("evaluate", "accuracy and per-class metrics on the 10k MNIST test set");
  eval_cmd->add_option("--weights", weights, "weights file")->capture_default_str();
  eval_cmd->add_option("--data", data, "folder with the MNIST IDX files")->capture_default_str();
  eval_cmd->add_flag("--json", json, "print one JSON object");

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

  std::string convert_in, convert_out;
  bool half = false;
  auto* convert_cmd = app.add_subcommand("convert", "rewrite a weights file with float16 (--half) or float32 tensors");
  convert_cmd->add_option("input", convert_in, "weights file to read")->required();
  convert_cmd->add_option("output", convert_out, "weights file to write")->required();
  convert_cmd->add_flag("--half", half, "store float16 tensors (half the size)");
  convert_cmd->add_option("--data", data, "MNIST folder, to re-measure test accuracy")->capture_default_str();

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

  CLI11_PARSE(app, argc, argv);
  try {
    if (*train_cmd) {
      t.augment = !no_augment;
      return train::run_training(t);
    }
    if (*eval_cmd) return evaluate_command(weights, data, json);
    if (*drawn_cmd) return train::write_drawn_set(drawn);
    if (*finetune_cmd) return train::run_finetune(tune);
    if (*writer_cmd) return train::write_writer_set(writer);
    if (*convert_cmd) return convert_command(convert_in, convert_out, data, half);
    return predict_command(weights, paths, json);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 1;
  }
}
