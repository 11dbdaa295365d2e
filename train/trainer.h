// `digits train`: trains the reference CNN with tiny-dnn (its network, loss
// and training loop, this project's batched layers), with a validation
// split, early stopping, augmentation, per-epoch checkpoints and resume.
// The defaults are the shipped model's schedule.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "digits/idx.h"

namespace digits::train {

struct TrainOptions {
  std::string data_dir;
  std::string output = "weights/mnist.dgw";
  std::string checkpoint;  // default: <output>.ckpt
  // The shipped model's recipe (from random weights; --init starts from a
  // weights file instead, e.g. to teach an older model the styles).
  int epochs = 30;
  int batch_size = 32;
  float learning_rate = 1e-3f;
  float lr_decay = 0.9f;  // learning rate multiplied by this after every epoch
  std::uint32_t seed = 1;
  bool augment = true;
  // Chance that an MNIST image is distorted (when augment is on); synthetic
  // digits and negatives always are. Below 1 it lets a last short run fit
  // MNIST's own clean images while keeping the world's forms.
  float mnist_augment = 1.0f;
  // World handwriting styles (train/styles.h) added to every epoch, as a
  // fraction of the MNIST training images; 0 turns them off.
  float style_fraction = 0.2f;
  // "Not a digit" examples (train/negatives.h) trained towards a uniform
  // output (outlier exposure), as a fraction of the MNIST training images.
  float negative_fraction = 0.3f;
  // Digits cut out of touching numbers (train/neighbours.h), as a fraction
  // of the MNIST training images; 0 turns them off.
  float neighbour_fraction = 0.0f;
  // Parts of touching numbers cut wrongly (train/neighbours.h), trained
  // towards a uniform output like the negatives, as a fraction of the MNIST
  // training images; 0 turns them off.
  float miscut_fraction = 0.0f;
  // Segmentation's own candidate parts (train/part_set.h), half right
  // digits, half wrong cuts, as a fraction of the MNIST training images.
  std::string parts;
  float part_fraction = 0.0f;
  std::string fashion_dir;  // Fashion-MNIST IDX folder for negatives ("" = none)
  std::string init;         // start from this weights file instead of random weights
  int validation = 5000;    // images held out of the training set
  int patience = 8;         // epochs without a better validation accuracy before stopping
  // Decay of the per-batch moving average of the weights (train/weight_average.h);
  // each epoch keeps the better of the current and the averaged weights. 0: off.
  float average = 0.9995f;
  int limit = 0;  // train on the first N training images only (0 = all)
  bool resume = false;
  bool stock_kernels = false;  // tiny-dnn's own layer kernels (slow; for comparison)
};

// The training images split from the seed: what trains, what validates
// (`digits calibrate` fits on the same validation images).
struct Split {
  std::vector<int> train, validation, train_probe;
};
Split split_data(const Dataset& data, const TrainOptions& options);

// Returns the process exit code; throws digits::Error on bad input.
int run_training(const TrainOptions& options);

}  // namespace digits::train
