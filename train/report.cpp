// Tables of accuracy, per-class metrics and the confusion matrix.
#include "report.h"

#include <iomanip>
#include <nlohmann/json.hpp>
#include <sstream>

#include "digits/architecture.h"

namespace digits::train {
namespace {

std::string percent(double x, int digits = 2) {
  std::ostringstream os;
  os << std::fixed << std::setprecision(digits) << 100.0 * x << '%';
  return os.str();
}

std::string fixed(double x, int digits) {
  std::ostringstream os;
  os << std::fixed << std::setprecision(digits) << x;
  return os.str();
}

}  // namespace

std::string markdown_report(const ModelMetadata& m, const std::vector<EpochLog>& history) {
  const Architecture& arch = reference_architecture();
  std::ostringstream os;
  os << "# Model report\n\n";
  os << "| | |\n|---|---|\n";
  os << "| Test accuracy | **" << percent(m.test_accuracy) << "** |\n";
  os << "| Validation accuracy (MNIST, weighted 3:1 with the style digits when trained with styles) | "
     << percent(m.validation_accuracy) << " |\n";
  os << "| Epochs (best restored) | " << m.epochs << " |\n";
  os << "| Training time | " << fixed(m.train_seconds / 60.0, 1) << " min |\n";
  os << "| Dataset | " << m.dataset << " |\n";
  os << "| Trained at | " << m.trained_at << " |\n";
  os << "| Configuration | `" << m.training_config << "` |\n";
  os << "| Architecture | `" << arch.descriptor << "` |\n";
  os << "| Parameters | " << arch.parameter_count() << " |\n\n";
  if (!history.empty()) {
    os << "## Epochs\n\n| epoch | loss | train acc | val acc (3 MNIST + 1 style)/4 | seconds | images/s "
          "|\n|---|---|---|---|---|---|\n";
    for (const EpochLog& e : history) {
      os << "| " << e.epoch << " | " << fixed(e.loss, 4) << " | " << percent(e.train_accuracy) << " | "
         << percent(e.validation_accuracy) << " | " << fixed(e.seconds, 0) << " | " << fixed(e.images_per_second, 0)
         << " |\n";
    }
    os << '\n';
  }
  os << "## Per-class metrics (test set)\n\n| digit | precision | recall | F1 |\n|---|---|---|---|\n";
  for (int c = 0; c < kClasses; ++c) {
    os << "| " << c << " | " << fixed(m.precision[c], 4) << " | " << fixed(m.recall[c], 4) << " | " << fixed(m.f1[c], 4)
       << " |\n";
  }
  os << "\n## Confusion matrix (rows: true digit, columns: predicted)\n\n|   |";
  for (int c = 0; c < kClasses; ++c) os << ' ' << c << " |";
  os << "\n|---|";
  for (int c = 0; c < kClasses; ++c) os << "---|";
  os << '\n';
  for (int t = 0; t < kClasses; ++t) {
    os << "| **" << t << "** |";
    for (int p = 0; p < kClasses; ++p) os << ' ' << m.confusion[t][p] << " |";
    os << '\n';
  }
  return os.str();
}

std::string metrics_text(const ModelMetadata& m) {
  std::ostringstream os;
  os << "accuracy " << percent(m.test_accuracy) << "\n\ndigit precision recall     f1\n";
  for (int c = 0; c < kClasses; ++c) {
    os << std::setw(5) << c << std::setw(10) << fixed(m.precision[c], 4) << std::setw(7) << fixed(m.recall[c], 4)
       << std::setw(7) << fixed(m.f1[c], 4) << '\n';
  }
  os << "\nconfusion matrix (rows: true, columns: predicted)\n     ";
  for (int c = 0; c < kClasses; ++c) os << std::setw(6) << c;
  os << '\n';
  for (int t = 0; t < kClasses; ++t) {
    os << std::setw(5) << t;
    for (int p = 0; p < kClasses; ++p) os << std::setw(6) << m.confusion[t][p];
    os << '\n';
  }
  return os.str();
}

std::string metrics_json(const ModelMetadata& m) {
  nlohmann::json j;
  j["accuracy"] = m.test_accuracy;
  j["precision"] = m.precision;
  j["recall"] = m.recall;
  j["f1"] = m.f1;
  j["confusion"] = m.confusion;
  return j.dump();
}

}  // namespace digits::train
