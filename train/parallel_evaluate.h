// core's evaluate() split over the training thread pool: one Network per
// part, results merged in part order (the same numbers as one thread gives).
#pragma once

#include <vector>

#include "digits/evaluate.h"
#include "digits/model.h"

namespace digits::train {

EvaluationResult evaluate_in_parallel(const Model& model, const Dataset& data, const std::vector<int>& indices = {});

}  // namespace digits::train
