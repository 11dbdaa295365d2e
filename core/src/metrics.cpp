// Accuracy, confusion matrix and per-class precision/recall/F1.
#include "digits/metrics.h"

namespace digits {

void Evaluation::merge(const Evaluation& other) {
  for (std::size_t t = 0; t < confusion_.size(); ++t) {
    for (std::size_t p = 0; p < confusion_[t].size(); ++p) confusion_[t][p] += other.confusion_[t][p];
  }
}

std::uint32_t Evaluation::total() const {
  std::uint32_t n = 0;
  for (const auto& row : confusion_) {
    for (std::uint32_t v : row) n += v;
  }
  return n;
}

float Evaluation::accuracy() const {
  std::uint32_t correct = 0;
  for (int c = 0; c < kClasses; ++c) correct += confusion_[c][c];
  const std::uint32_t n = total();
  return n == 0 ? 0.0f : static_cast<float>(correct) / static_cast<float>(n);
}

ClassMetrics Evaluation::class_metrics(int c) const {
  std::uint32_t predicted = 0, actual = 0;
  for (int k = 0; k < kClasses; ++k) {
    predicted += confusion_[k][c];
    actual += confusion_[c][k];
  }
  const float tp = static_cast<float>(confusion_[c][c]);
  ClassMetrics m;
  m.support = actual;
  m.precision = predicted == 0 ? 0.0f : tp / static_cast<float>(predicted);
  m.recall = actual == 0 ? 0.0f : tp / static_cast<float>(actual);
  m.f1 = (m.precision + m.recall) == 0 ? 0.0f : 2 * m.precision * m.recall / (m.precision + m.recall);
  return m;
}

void Evaluation::fill(ModelMetadata& meta) const {
  meta.test_accuracy = accuracy();
  meta.confusion = confusion_;
  for (int c = 0; c < kClasses; ++c) {
    const ClassMetrics m = class_metrics(c);
    meta.precision[c] = m.precision;
    meta.recall[c] = m.recall;
    meta.f1[c] = m.f1;
  }
}

}  // namespace digits
