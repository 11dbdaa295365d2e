// Runs core's inference over a labelled dataset: the numbers `digits
// evaluate`, the trainer's per-epoch validation and the tests report.
#pragma once

#include <cstdint>
#include <vector>

#include "digits/idx.h"
#include "digits/inference.h"
#include "digits/metrics.h"

namespace digits {

struct EvaluationResult {
  Evaluation metrics;
  double mean_loss = 0;  // cross-entropy
};

// `indices` selects items of `data` (all of them when empty).
EvaluationResult evaluate(Network& network, const Dataset& data, const std::vector<int>& indices = {});

}  // namespace digits
