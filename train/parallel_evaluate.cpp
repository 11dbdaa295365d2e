#include "parallel_evaluate.h"

#include <numeric>

#include "thread_pool.h"

namespace digits::train {

EvaluationResult evaluate_in_parallel(const Model& model, const Dataset& data, const std::vector<int>& indices) {
  std::vector<int> all;
  if (indices.empty()) {
    all.resize(static_cast<std::size_t>(data.images.count));
    std::iota(all.begin(), all.end(), 0);
  }
  const std::vector<int>& items = indices.empty() ? all : indices;
  std::vector<EvaluationResult> parts(static_cast<std::size_t>(ThreadPool::shared().size()));
  parallel_ranges(static_cast<int>(items.size()), [&](int begin, int end, int part) {
    Network network(model);
    parts[part] = evaluate(network, data, std::vector<int>(items.begin() + begin, items.begin() + end));
  });
  EvaluationResult result;
  double loss = 0;
  for (std::size_t p = 0; p < parts.size(); ++p) {
    result.metrics.merge(parts[p].metrics);
    loss += parts[p].mean_loss * parts[p].metrics.total();
  }
  result.mean_loss = items.empty() ? 0.0 : loss / static_cast<double>(items.size());
  return result;
}

}  // namespace digits::train
