// Fine-tuning: teaches a model one person's handwriting from a few labelled
// examples, in the page (spread over frames) and in `digits finetune` alike.
//
// Only the dense head learns: "dense1" (ReLU) and "logits" (softmax
// cross-entropy). The convolutions stay frozen, so every image's "pool2"
// output is computed once and cached, and a training step is two small
// matrix products per image forward and three backward. Each mini-batch
// mixes the user's examples with a replay set of MNIST digits, so the model
// learns the new forms without forgetting the rest. The tuned network is
// saved as an ordinary weights file (Network::to_tensors) whose
// Personalisation metadata says what it was made from.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "digits/architecture.h"
#include "digits/inference.h"
#include "digits/model.h"

namespace digits {

using Image = std::array<float, kImageSize>;  // 28x28, 0 = background, 1 = ink

struct LabelledImage {
  Image image{};
  int label = 0;
};

// Gradients of the loss with respect to the tuned parameters, laid out like
// the layers' own (dense weights [in][out]).
struct HeadGradients {
  std::vector<float> dense1_weights, dense1_bias, logits_weights, logits_bias;
  explicit HeadGradients(const Network& network);
  void zero();
};

// The head's forward pass from a "pool2" output: fills `hidden` (dense1,
// after ReLU, 128 values) and `probabilities` (softmax of the logits,
// temperature 1); `logits` receives the logits. Same arithmetic as
// Network::predict.
void head_forward(const Network& network, const float* pool2, float* hidden, float* logits, float* probabilities);

// Cross-entropy -log p[label] of one image whose head activations are given,
// and adds `scale` times its gradient into `g`.
float head_backward(const Network& network, const float* pool2, const float* hidden, const float* probabilities,
                    int label, float scale, HeadGradients& g);
// The same for the image of the network's last predict() (its kept outputs).
float head_backward(const Network& network, int label, float scale, HeadGradients& g);

struct FineTuneOptions {
  // Measured on the writers of `digits writer-set` (README): a quarter of
  // each batch from the user and a small rate keep MNIST where it was (a
  // rate of 5e-4 or half the batch from the user cost 0.2-0.4 points).
  int batch = 32;               // images per step
  float user_share = 0.25f;     // part of a batch drawn from the user's examples
  float learning_rate = 2e-4f;  // Adam
  int steps_per_example = 16;   // steps each new example queues
  // Pull towards the starting weights: adds anchor * (w - w_start) to every
  // gradient (L2-SP), so directions the replay digits do not pin down drift
  // less. The page replays 500 digits where the CLI replays 1000.
  float anchor = 0.0f;
  std::uint32_t seed = 20240611;
};

class FineTuner {
 public:
  // `model` is the starting point: the shipped model, or a personal one being
  // continued (its base name and step count carry on; its examples are added
  // again with add_example(..., false)). `model_name` names the base when
  // `model` is not personal yet. `replay` holds labelled MNIST digits.
  FineTuner(const Model& model, const std::string& model_name, std::vector<LabelledImage> replay,
            FineTuneOptions options = {});

  // Adds one replay digit (the constructor's `replay` does the same at
  // once); the app adds them a few per frame, each costs a forward pass.
  void add_replay(const Image& image, int label);
  std::size_t replay_size() const { return replay_.size(); }

  // Adds one of the user's examples; with `queue_steps`, the steps it pays for
  // are queued (run them with run()). Throws digits::Error on a bad label.
  void add_example(const Image& image, int label, bool queue_steps = true);
  int pending_steps() const { return pending_; }
  // Runs up to `max_steps` queued steps; returns how many ran. The app calls
  // it once per frame with a small budget; the CLI runs everything at once.
  int run(int max_steps);
  // One training step on a fresh mini-batch; returns its mean loss.
  float step();

  const std::vector<LabelledImage>& examples() const { return examples_; }
  const std::array<std::uint32_t, kClasses>& examples_per_class() const { return per_class_; }
  std::uint32_t steps_taken() const { return steps_; }
  float last_loss() const { return last_loss_; }

  // The network with the tuned weights (predict with it directly).
  Network& network() { return network_; }
  // The tuned model as a weights file's content: base metadata, tuned
  // tensors, Personalisation (base model, examples per class, steps).
  Model model() const;

 private:
  struct Cached {
    std::vector<float> pool2;
    int label;
  };
  Cached cache(const Image& image, int label);
  void adam_update();

  Model base_;
  Network network_;
  FineTuneOptions options_;
  std::string base_name_;
  std::vector<LabelledImage> examples_;
  std::vector<Cached> user_, replay_;
  std::array<std::uint32_t, kClasses> per_class_{};
  std::uint32_t steps_ = 0, adam_t_ = 0;
  int pending_ = 0;
  float last_loss_ = 0;
  int pool2_ = 0, dense1_ = 0, logits_ = 0;  // layer indices
  std::mt19937 rng_;
  // Preallocated: a step allocates nothing.
  HeadGradients grad_, m_, v_, start_;  // start_: the weights tuning started from (gradient-shaped)
  std::vector<float> hidden_, logit_values_, probabilities_;
};

}  // namespace digits
