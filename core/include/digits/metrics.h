// Classification metrics over the ten digit classes.
#pragma once

#include <array>

#include "digits/model.h"

namespace digits {

struct ClassMetrics {
  float precision = 0, recall = 0, f1 = 0;
  std::uint32_t support = 0;  // true items of this class
};

class Evaluation {
 public:
  void add(int truth, int predicted) { ++confusion_[truth][predicted]; }
  // Adds another evaluation's counts (evaluations of disjoint parts of a set).
  void merge(const Evaluation& other);

  const ConfusionMatrix& confusion() const { return confusion_; }
  std::uint32_t total() const;
  float accuracy() const;
  // A class never predicted has precision 0; never present, recall 0.
  ClassMetrics class_metrics(int c) const;

  // Copies accuracy, per-class metrics and the confusion matrix into `meta`.
  void fill(ModelMetadata& meta) const;

 private:
  ConfusionMatrix confusion_{};
};

}  // namespace digits
