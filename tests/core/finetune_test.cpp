// Fine-tuning: the head's backward pass against central finite differences of
// Network's own forward pass, the tuner's steps, and saving a personal model.
#include "digits/finetune.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <random>
#include <vector>

#include "digits/brush.h"
#include "test_models.h"

using namespace digits;

namespace {

Image random_image(std::mt19937& rng) {
  Image img{};
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  for (float& v : img) v = u(rng) < 0.3f ? u(rng) : 0.0f;
  return img;
}

// A digit drawn with the brush (a 7, 1, 4 or 2), slightly moved each time:
// ink the network responds to (scribbles may leave every dense unit off).
Image stroke_image(std::mt19937& rng) {
  static const std::vector<std::vector<float>> digits = {
      {7, 7, 21, 7, 12, 22}, {14, 5, 14, 23}, {17, 23, 17, 5, 8, 17, 21, 17}, {8, 9, 14, 5, 20, 9, 8, 22, 21, 22}};
  static std::size_t next = 0;
  const std::vector<float>& d = digits[next++ % digits.size()];
  std::uniform_real_distribution<float> u(-1.5f, 1.5f);
  const float dx = u(rng), dy = u(rng);
  Image img{};
  for (std::size_t i = 2; i + 1 < d.size(); i += 2)
    paint_segment(img.data(), kImageSide, kImageSide, d[i - 2] + dx, d[i - 1] + dy, d[i] + dx, d[i + 1] + dy, 1.4f,
                  false);
  return img;
}

double loss_of(Network& net, const Image& img, int label) {
  const Probabilities p = net.predict(img.data());
  return -std::log(static_cast<double>(p[label]));
}

// Large enough that float rounding of the loss stays small against it.
constexpr float kStep = 1e-2f;

// Central difference of the loss for one parameter, changed in place.
double numeric_gradient(Network& net, float& parameter, const Image& img, int label) {
  const float saved = parameter;
  parameter = saved + kStep;
  const double plus = loss_of(net, img, label);
  parameter = saved - kStep;
  const double minus = loss_of(net, img, label);
  parameter = saved;
  return (plus - minus) / (2.0 * kStep);
}

}  // namespace

TEST_CASE("head_forward reproduces Network::predict from the cached pool2 output") {
  Network net(testing::random_model(3));
  std::mt19937 rng(1);
  const Image img = random_image(rng);
  const Probabilities p = net.predict(img.data());
  std::vector<float> hidden(128), logits(kClasses), probs(kClasses);
  head_forward(net, net.layer("pool2").output.data(), hidden.data(), logits.data(), probs.data());
  for (int j = 0; j < 128; ++j) CHECK(hidden[j] == Approx(net.layer("dense1").output[j]).margin(1e-5));
  for (int j = 0; j < kClasses; ++j) CHECK(probs[j] == Approx(p[j]).margin(1e-6));
}

TEST_CASE("the dense head's gradients match central finite differences of the forward pass") {
  // The shipped model on drawn strokes: realistic activations, so the loss is
  // smooth on the scale of the difference step (a random model's saturate).
  Network net(load_model(DIGITS_SOURCE_DIR "/weights/mnist.dgw"));
  std::mt19937 rng(2);
  for (int trial = 0; trial < 4; ++trial) {
    const Image img = stroke_image(rng);
    // A label the model does not pick: a large loss, gradients well above zero.
    const int label = (argmax(net.predict(img.data())) + 1 + trial) % kClasses;
    HeadGradients g(net);
    head_backward(net, label, 1.0f, g);
    auto& layers = net.mutable_layers();
    Network::Layer& dense1 = layers[net.layer_index("dense1")];
    Network::Layer& logits = layers[net.layer_index("logits")];
    const std::vector<float>& pool2 = net.layer("pool2").output;
    const int units = static_cast<int>(dense1.bias.size());
    std::vector<float> pre(dense1.bias);  // dense1 before its ReLU
    for (std::size_t i = 0; i < pool2.size(); ++i)
      for (int j = 0; j < units; ++j) pre[j] += pool2[i] * dense1.weights[i * units + j];
    // A dense1 parameter is compared only when its unit stays on the same
    // side of the ReLU's kink for the whole difference step (at the kink the
    // loss has no derivative; a step across it measures a mixture).
    auto away_from_kink = [&](int unit, float input) {
      return std::fabs(pre[unit]) > 3 * kStep * std::fabs(input) + 1e-3f;
    };
    struct Param {
      std::vector<float>& values;
      const std::vector<float>& analytic;
      const char* name;
      std::function<bool(std::size_t)> smooth;
    };
    const Param params[] = {
        {dense1.weights, g.dense1_weights, "dense1 weights",
         [&](std::size_t i) { return away_from_kink(static_cast<int>(i) % units, pool2[i / units]); }},
        {dense1.bias, g.dense1_bias, "dense1 bias",
         [&](std::size_t i) { return away_from_kink(static_cast<int>(i), 1.0f); }},
        {logits.weights, g.logits_weights, "logits weights", [](std::size_t) { return true; }},
        {logits.bias, g.logits_bias, "logits bias", [](std::size_t) { return true; }}};
    int nonzero = 0;
    for (const Param& p : params) {
      std::uniform_int_distribution<std::size_t> pick(0, p.values.size() - 1);
      for (int k = 0; k < 40; ++k) {
        // Mostly parameters with a gradient, so the check is not all zeros;
        // every fourth anywhere (units the ReLU switched off included).
        const bool any = k % 4 == 0;
        std::size_t i = pick(rng);
        for (int tries = 0; tries < 200 && ((!any && p.analytic[i] == 0.0f) || !p.smooth(i)); ++tries) i = pick(rng);
        if (!p.smooth(i)) continue;
        const double numeric = numeric_gradient(net, p.values[i], img, label);
        INFO(p.name << " [" << i << "] analytic " << p.analytic[i] << " numeric " << numeric);
        CHECK(p.analytic[i] == Approx(numeric).epsilon(0.03).margin(2e-3));
        nonzero += std::fabs(p.analytic[i]) > 1e-5f;
      }
    }
    CHECK(nonzero > 60);  // the comparison saw real gradients
  }
}

TEST_CASE("fine-tuning steps lower the loss on the user's examples and leave the convolutions alone") {
  const Model m = testing::random_model(11);
  std::mt19937 rng(5);
  std::vector<LabelledImage> replay;
  for (int i = 0; i < 40; ++i) replay.push_back({random_image(rng), i % kClasses});
  FineTuneOptions o;
  o.learning_rate = 1e-3f;
  FineTuner tuner(m, "random", replay, o);
  std::vector<LabelledImage> mine;
  for (int i = 0; i < 10; ++i) mine.push_back({random_image(rng), (i * 7) % kClasses});
  auto user_loss = [&] {
    double sum = 0;
    for (const LabelledImage& e : mine) sum += loss_of(tuner.network(), e.image, e.label);
    return sum / static_cast<double>(mine.size());
  };
  const double before = user_loss();
  const std::vector<float> conv4 = tuner.network().layer("conv4").weights;
  for (const LabelledImage& e : mine) tuner.add_example(e.image, e.label);
  CHECK(tuner.pending_steps() == 10 * o.steps_per_example);
  CHECK(tuner.run(5) == 5);
  CHECK(tuner.pending_steps() == 10 * o.steps_per_example - 5);
  while (tuner.pending_steps() > 0) tuner.run(100);
  const double after = user_loss();
  INFO("loss before " << before << " after " << after);
  CHECK(after < 0.5 * before);
  CHECK(tuner.network().layer("conv4").weights == conv4);
  CHECK(tuner.examples_per_class()[0] == 1);
  CHECK(tuner.steps_taken() == static_cast<std::uint32_t>(10 * o.steps_per_example));
  CHECK_THROWS_WITH(tuner.add_example(mine[0].image, 10), Catch::Contains("label 10"));
}

TEST_CASE("a personal model saves and reloads with its weights and personalisation") {
  const Model m = testing::random_model(13);
  std::mt19937 rng(9);
  FineTuner tuner(m, "mnist-f16.dgw", {{random_image(rng), 4}});
  tuner.add_example(random_image(rng), 4);
  tuner.add_example(random_image(rng), 7);
  tuner.run(100);
  const Model tuned = tuner.model();
  const std::string bytes = serialize_model(tuned);
  const Model back = parse_model(bytes.data(), bytes.size(), "personal.dgw");
  CHECK(back.personal.base_model == "mnist-f16.dgw");
  CHECK(back.personal.examples[4] == 1);
  CHECK(back.personal.examples[7] == 1);
  CHECK(back.personal.steps == tuner.steps_taken());
  Network reloaded(back);
  const Image probe = random_image(rng);
  const Probabilities a = tuner.network().predict(probe.data());
  const Probabilities b = reloaded.predict(probe.data());
  for (int j = 0; j < kClasses; ++j) CHECK(b[j] == Approx(a[j]).margin(1e-5));
  // Continuing a personal model keeps its base name and step count.
  FineTuner again(back, "ignored", {});
  CHECK(again.model().personal.base_model == "mnist-f16.dgw");
  CHECK(again.steps_taken() == tuner.steps_taken());
}

TEST_CASE("the anchor holds the tuned weights nearer the ones tuning started from") {
  const Model m = testing::random_model(17);
  std::mt19937 rng(3);
  std::vector<LabelledImage> replay;
  for (int i = 0; i < 40; ++i) replay.push_back({stroke_image(rng), i % kClasses});
  std::vector<LabelledImage> mine;
  for (int i = 0; i < 10; ++i) mine.push_back({stroke_image(rng), (i * 3) % kClasses});
  const Network start(m);
  auto drift = [&](float anchor) {
    FineTuneOptions o;
    o.learning_rate = 1e-3f;
    o.anchor = anchor;
    FineTuner tuner(m, "random", replay, o);
    for (const LabelledImage& e : mine) tuner.add_example(e.image, e.label);
    tuner.run(tuner.pending_steps());
    double sum = 0;
    for (const char* name : {"dense1", "logits"}) {
      const std::vector<float>& w = tuner.network().layer(name).weights;
      const std::vector<float>& w0 = start.layer(name).weights;
      for (std::size_t i = 0; i < w.size(); ++i) sum += (w[i] - w0[i]) * (w[i] - w0[i]);
    }
    return std::sqrt(sum);
  };
  const double free = drift(0.0f), held = drift(20.0f);
  INFO("distance from the start: " << free << " without the anchor, " << held << " with it");
  CHECK(free > 0);
  CHECK(held < 0.7 * free);
}
