// `digits finetune`: the page's "learn my handwriting" on a folder of
// labelled drawings, through the same core code (digits::FineTuner). The
// examples are added one at a time, in file-name order, each followed by the
// steps it queues, as in the page; the replay set is MNIST training digits.
// `digits writer-set` (writer_set.h) writes folders this command reads.
#pragma once

#include <cstdint>
#include <string>

namespace digits::train {

struct FinetuneOptions {
  std::string weights;        // the model to start from
  std::string examples;       // folder of drawings named <anything>_<label>.png (or .pgm)
  std::string output;         // the personal weights file to write
  std::string data_dir;       // MNIST: replay digits from the training set, accuracy on the test set
  std::string test;           // optional folder of held-out drawings, scored before and after
  int replay = 1000;          // MNIST training digits mixed into every batch
  int steps_per_example = 0;  // 0: FineTuner's default
  float learning_rate = 0;    // 0: FineTuner's default
  float user_share = 0;       // 0: FineTuner's default
  float anchor = -1;          // negative: FineTuner's default
  std::uint32_t seed = 1;
};

int run_finetune(const FinetuneOptions& options);

}  // namespace digits::train
