// Everything needed to continue a killed training run exactly where the last
// completed epoch left it: parameters and batch-norm statistics, Adam's
// moments, the best model so far, early-stopping counters and the epoch log.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "adam.h"

namespace digits::train {

struct EpochLog {
  int epoch = 0;
  double loss = 0, train_accuracy = 0, validation_accuracy = 0, seconds = 0, images_per_second = 0;
};

struct Checkpoint {
  std::string fingerprint;  // the options that must match to resume
  int next_epoch = 0;
  int best_epoch = -1;
  double best_validation = -1;
  double seconds = 0;
  std::vector<EpochLog> history;
  std::string model;                        // serialized current model (core weight file bytes)
  std::string best_model;                   // serialized best model
  std::vector<AdamState> adam;              // in TinyNetwork::parameters order
  std::vector<std::vector<float>> average;  // the weight average's tensors (empty: none)
  std::uint64_t average_updates = 0;
};

void save_checkpoint(const Checkpoint& c, const std::string& path);
Checkpoint load_checkpoint(const std::string& path);

}  // namespace digits::train
