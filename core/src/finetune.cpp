// Backward pass of the dense head, Adam, and the FineTuner's mixed batches.
#include "digits/finetune.h"

#include <algorithm>
#include <cmath>

#include "digits/error.h"

namespace digits {
namespace {

// Adam as in Kingma & Ba, with bias correction by the tuner's own step count.
struct AdamStep {
  float lr = 1e-3f, beta1 = 0.9f, beta2 = 0.999f, epsilon = 1e-8f;
  float c1 = 1, c2 = 1;  // 1 - beta^t
  void apply(std::vector<float>& w, const std::vector<float>& g, std::vector<float>& m, std::vector<float>& v) const {
    for (std::size_t i = 0; i < w.size(); ++i) {
      m[i] = beta1 * m[i] + (1 - beta1) * g[i];
      v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
      w[i] -= lr * (m[i] / c1) / (std::sqrt(v[i] / c2) + epsilon);
    }
  }
};

}  // namespace

HeadGradients::HeadGradients(const Network& network) {
  const Network::Layer& d = network.layer("dense1");
  const Network::Layer& l = network.layer("logits");
  dense1_weights.assign(d.weights.size(), 0.0f);
  dense1_bias.assign(d.bias.size(), 0.0f);
  logits_weights.assign(l.weights.size(), 0.0f);
  logits_bias.assign(l.bias.size(), 0.0f);
}

void HeadGradients::zero() {
  for (auto* t : {&dense1_weights, &dense1_bias, &logits_weights, &logits_bias}) std::fill(t->begin(), t->end(), 0.0f);
}

void head_forward(const Network& network, const float* pool2, float* hidden, float* logits, float* probabilities) {
  const Network::Layer& d = network.layer("dense1");
  const Network::Layer& l = network.layer("logits");
  const int n_in = d.in.size(), n_hidden = d.out.size(), n_out = l.out.size();
  std::copy(d.bias.begin(), d.bias.end(), hidden);
  for (int i = 0; i < n_in; ++i) {
    const float x = pool2[i];
    if (x == 0.0f) continue;  // pool2 is post-ReLU: mostly zeros
    const float* row = &d.weights[static_cast<std::size_t>(i) * n_hidden];
    for (int j = 0; j < n_hidden; ++j) hidden[j] += x * row[j];
  }
  for (int j = 0; j < n_hidden; ++j) hidden[j] = std::max(hidden[j], 0.0f);
  std::copy(l.bias.begin(), l.bias.end(), logits);
  for (int i = 0; i < n_hidden; ++i) {
    const float h = hidden[i];
    if (h == 0.0f) continue;
    for (int j = 0; j < n_out; ++j) logits[j] += h * l.weights[static_cast<std::size_t>(i) * n_out + j];
  }
  const Probabilities p = softmax(logits);
  std::copy(p.begin(), p.end(), probabilities);
}

float head_backward(const Network& network, const float* pool2, const float* hidden, const float* probabilities,
                    int label, float scale, HeadGradients& g) {
  const Network::Layer& d = network.layer("dense1");
  const Network::Layer& l = network.layer("logits");
  const int n_in = d.in.size(), n_hidden = d.out.size(), n_out = l.out.size();
  // Softmax + cross-entropy: dL/dlogit = p - onehot(label).
  float dz[kClasses];
  for (int j = 0; j < n_out; ++j) dz[j] = scale * (probabilities[j] - (j == label ? 1.0f : 0.0f));
  for (int j = 0; j < n_out; ++j) g.logits_bias[j] += dz[j];
  // Hidden gradient through the logits' weights, and through the ReLU: a unit
  // at zero passed nothing forward, so it gets nothing back.
  float dh[256];
  if (n_hidden > 256)
    throw Error("fine-tuning supports at most 256 hidden units, the model has " + std::to_string(n_hidden));
  for (int i = 0; i < n_hidden; ++i) {
    const float* row = &l.weights[static_cast<std::size_t>(i) * n_out];
    float* grow = &g.logits_weights[static_cast<std::size_t>(i) * n_out];
    float s = 0;
    for (int j = 0; j < n_out; ++j) {
      grow[j] += hidden[i] * dz[j];
      s += row[j] * dz[j];
    }
    dh[i] = hidden[i] > 0.0f ? s : 0.0f;
  }
  for (int j = 0; j < n_hidden; ++j) g.dense1_bias[j] += dh[j];
  for (int i = 0; i < n_in; ++i) {
    const float x = pool2[i];
    if (x == 0.0f) continue;
    float* grow = &g.dense1_weights[static_cast<std::size_t>(i) * n_hidden];
    for (int j = 0; j < n_hidden; ++j) grow[j] += x * dh[j];
  }
  return -std::log(std::max(probabilities[label], 1e-30f));
}

float head_backward(const Network& network, int label, float scale, HeadGradients& g) {
  const int dense1 = network.layer_index("dense1");
  const auto& layers = network.layers();
  return head_backward(network, layers[dense1 - 1].output.data(), layers[dense1].output.data(),
                       network.layer("probabilities").output.data(), label, scale, g);
}

FineTuner::FineTuner(const Model& model, const std::string& model_name, std::vector<LabelledImage> replay,
                     FineTuneOptions options)
    : base_(model),
      network_(model),
      options_(options),
      base_name_(model.personal.empty() ? model_name : model.personal.base_model),
      steps_(model.personal.steps),
      rng_(options.seed),
      grad_(network_),
      m_(network_),
      v_(network_),
      start_(network_) {
  if (options_.batch < 1) throw Error("fine-tuning: the batch needs at least one image");
  pool2_ = network_.layer_index("dense1") - 1;
  dense1_ = network_.layer_index("dense1");
  logits_ = network_.layer_index("logits");
  if (network_.layers()[pool2_].name != "pool2") throw Error("fine-tuning: expected pool2 right before dense1");
  const Network::Layer& d = network_.layers()[dense1_];
  const Network::Layer& l = network_.layers()[logits_];
  start_.dense1_weights = d.weights;
  start_.dense1_bias = d.bias;
  start_.logits_weights = l.weights;
  start_.logits_bias = l.bias;
  hidden_.resize(network_.layers()[dense1_].out.size());
  logit_values_.resize(kClasses);
  probabilities_.resize(kClasses);
  replay_.reserve(replay.size());
  for (const LabelledImage& r : replay) replay_.push_back(cache(r.image, r.label));
}

FineTuner::Cached FineTuner::cache(const Image& image, int label) {
  if (label < 0 || label >= kClasses) throw Error("fine-tuning: label " + std::to_string(label) + " is not a digit");
  network_.predict(image.data());
  return {network_.layers()[pool2_].output, label};
}

void FineTuner::add_replay(const Image& image, int label) { replay_.push_back(cache(image, label)); }

void FineTuner::add_example(const Image& image, int label, bool queue_steps) {
  user_.push_back(cache(image, label));
  examples_.push_back({image, label});
  ++per_class_[label];
  if (queue_steps) pending_ += options_.steps_per_example;
}

int FineTuner::run(int max_steps) {
  int ran = 0;
  while (ran < max_steps && pending_ > 0) {
    step();
    --pending_;
    ++ran;
  }
  return ran;
}

float FineTuner::step() {
  grad_.zero();
  const int users = user_.empty()     ? 0
                    : replay_.empty() ? options_.batch
                                      : std::clamp(static_cast<int>(std::lround(options_.batch * options_.user_share)),
                                                   1, options_.batch);
  const int replays = replay_.empty() ? 0 : options_.batch - users;
  if (users + replays == 0) throw Error("fine-tuning: no examples and no replay set to learn from");
  const float scale = 1.0f / static_cast<float>(users + replays);
  float loss = 0;
  for (int k = 0; k < users + replays; ++k) {
    const std::vector<Cached>& pool = k < users ? user_ : replay_;
    const Cached& c = pool[std::uniform_int_distribution<std::size_t>(0, pool.size() - 1)(rng_)];
    head_forward(network_, c.pool2.data(), hidden_.data(), logit_values_.data(), probabilities_.data());
    loss += head_backward(network_, c.pool2.data(), hidden_.data(), probabilities_.data(), c.label, scale, grad_);
  }
  adam_update();
  ++steps_;
  last_loss_ = loss * scale;
  return last_loss_;
}

void FineTuner::adam_update() {
  ++adam_t_;
  AdamStep a;
  a.lr = options_.learning_rate;
  a.c1 = 1 - std::pow(a.beta1, static_cast<float>(adam_t_));
  a.c2 = 1 - std::pow(a.beta2, static_cast<float>(adam_t_));
  auto& layers = network_.mutable_layers();
  Network::Layer& d = layers[dense1_];
  Network::Layer& l = layers[logits_];
  if (options_.anchor > 0) {
    const auto pull = [k = options_.anchor](std::vector<float>& g, const std::vector<float>& w,
                                            const std::vector<float>& w0) {
      for (std::size_t i = 0; i < g.size(); ++i) g[i] += k * (w[i] - w0[i]);
    };
    pull(grad_.dense1_weights, d.weights, start_.dense1_weights);
    pull(grad_.dense1_bias, d.bias, start_.dense1_bias);
    pull(grad_.logits_weights, l.weights, start_.logits_weights);
    pull(grad_.logits_bias, l.bias, start_.logits_bias);
  }
  a.apply(d.weights, grad_.dense1_weights, m_.dense1_weights, v_.dense1_weights);
  a.apply(d.bias, grad_.dense1_bias, m_.dense1_bias, v_.dense1_bias);
  a.apply(l.weights, grad_.logits_weights, m_.logits_weights, v_.logits_weights);
  a.apply(l.bias, grad_.logits_bias, m_.logits_bias, v_.logits_bias);
}

Model FineTuner::model() const {
  Model m;
  m.tensors = network_.to_tensors();
  m.meta = base_.meta;
  m.digit_score = base_.digit_score;
  m.personal.base_model = base_name_;
  m.personal.examples = per_class_;
  m.personal.steps = steps_;
  return m;
}

}  // namespace digits
