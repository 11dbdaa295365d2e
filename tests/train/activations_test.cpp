// Network's named layer outputs (what the feature-map panel and saliency
// read) against tiny-dnn's own layer outputs on the same weights. Batch norm
// is folded into the next layer in core, so "conv2" is the ReLU output before
// the batch norm, as tiny-dnn's conv layer output is; core pools before the
// batch norm that tiny-dnn applies first (max commutes with a positive scale),
// so a pooled map matches tiny-dnn's after that batch norm is applied to it.
#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "digits/inference.h"
#include "tiny_network.h"
#include "tiny_test_models.h"

using namespace digits;
namespace td = tiny_dnn;

namespace {

// Index of the n-th (0-based) architecture layer of `kind`.
int nth(LayerKind kind, int n) {
  const auto& layers = reference_architecture().layers;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    if (layers[i].kind == kind && n-- == 0) return static_cast<int>(i);
  }
  return -1;
}

// The model's batch-norm tensors (mean, variance) for architecture layer `layer`.
std::pair<const std::vector<float>*, const std::vector<float>*> statistics(const Model& m, int layer) {
  const auto& tensors = reference_architecture().tensors;
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    if (tensors[i].layer == layer) return {&m.tensors[i], &m.tensors[i + 1]};
  }
  return {nullptr, nullptr};
}

std::vector<float> batch_normed(const std::vector<float>& x, const Model& m, int layer, int channels) {
  const auto [mean, variance] = statistics(m, layer);
  const float eps = reference_architecture().layers[layer].epsilon;
  const std::size_t plane = x.size() / channels;
  std::vector<float> y(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    const std::size_t c = i / plane;
    y[i] = (x[i] - (*mean)[c]) / std::sqrt((*variance)[c] + eps);
  }
  return y;
}

}  // namespace

TEST_CASE("every named layer output matches tiny-dnn's layer outputs on the same weights", "[train][activations]") {
  const auto kernels = GENERATE(train::Kernels::Stock, train::Kernels::Fast);
  td::set_random_seed(7);
  train::TinyNetwork t;
  train::build_network(t, kernels);
  const Model m = testing::randomised(t, 2);
  train::load_parameters(t, m);
  t.net.set_netphase(td::net_phase::test);
  Network core(m);

  // Core's layer, the tiny-dnn layer to compare with, and the batch norm (if
  // any) that tiny-dnn applies before it and core after it.
  struct Pair {
    const char* name;
    int tiny;
    int norm = -1;
  };
  const Pair pairs[] = {
      {"conv1", nth(LayerKind::Conv, 0)},
      {"conv2", nth(LayerKind::Conv, 1)},
      {"pool1", nth(LayerKind::MaxPool, 0), nth(LayerKind::BatchNorm, 1)},
      {"conv3", nth(LayerKind::Conv, 2)},
      {"conv4", nth(LayerKind::Conv, 3)},
      {"pool2", nth(LayerKind::MaxPool, 1), nth(LayerKind::BatchNorm, 3)},
      {"dense1", nth(LayerKind::Dense, 0)},
      {"probabilities", nth(LayerKind::Dense, 1)},
  };
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  for (int k = 0; k < 5; ++k) {
    td::vec_t image(kImageSize);
    for (auto& v : image) v = u(rng) < 0.3f ? u(rng) : 0.0f;
    t.net.predict(image);
    core.predict(image.data());
    for (const Pair& p : pairs) {
      const Network::Layer& mine = core.layer(p.name);
      const std::vector<td::tensor_t> outputs = t.net[static_cast<std::size_t>(p.tiny)]->output();  // a copy
      const td::vec_t& theirs = outputs[0][0];
      REQUIRE(theirs.size() == mine.output.size());
      const std::vector<float> ours =
          p.norm < 0 ? mine.output : batch_normed(mine.output, m, p.norm, mine.out.channels);
      double worst = 0, scale = 0;
      int nonzero = 0;
      for (std::size_t i = 0; i < ours.size(); ++i) {
        worst = std::max(worst, static_cast<double>(std::fabs(ours[i] - theirs[i])));
        scale = std::max(scale, static_cast<double>(std::fabs(theirs[i])));
        nonzero += theirs[i] != 0;
      }
      INFO(p.name << " (tiny-dnn layer " << p.tiny << "): largest difference " << worst << ", largest value " << scale);
      CHECK(nonzero > 0);
      CHECK(worst <= 1e-4 * std::max(1.0, scale));
    }
  }
}
