// The tiny-dnn network built from core's architecture agrees with core's
// inference, the corrected dropout behaves, and parameters survive the trip
// tiny-dnn -> Model -> tiny-dnn.
#include <catch2/catch.hpp>
#include <filesystem>

#include "digits/evaluate.h"
#include "digits/idx.h"
#include "digits/inference.h"
#include "dropout.h"
#include "tiny_network.h"

using namespace digits;
namespace td = tiny_dnn;

namespace {

// Perturbs the batch-norm statistics so they matter (fresh ones are 0 and 1).
Model randomised(train::TinyNetwork& t, unsigned seed) {
  Model m = train::extract_parameters(t);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(0.5f, 1.5f);
  const auto& arch = reference_architecture();
  for (std::size_t i = 0; i < m.tensors.size(); ++i) {
    if (arch.layers[arch.tensors[i].layer].kind != LayerKind::BatchNorm) continue;
    for (float& v : m.tensors[i]) v = u(rng) - (arch.tensors[i].name.find("mean") != std::string::npos ? 1.0f : 0.0f);
  }
  return m;
}

}  // namespace

TEST_CASE("core inference agrees with tiny-dnn's predict on random weights", "[train][network]") {
  td::set_random_seed(42);
  train::TinyNetwork t;
  train::build_network(t);
  const Model m = randomised(t, 1);
  train::load_parameters(t, m);
  t.net.set_netphase(td::net_phase::test);
  Network core(m);
  std::mt19937 rng(9);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  for (int k = 0; k < 20; ++k) {
    td::vec_t image(kImageSize);
    for (auto& v : image) v = u(rng) < 0.25f ? u(rng) : 0.0f;
    const td::vec_t expected = t.net.predict(image);
    const Probabilities got = core.predict(image.data());
    for (int c = 0; c < kClasses; ++c) REQUIRE(got[c] == Approx(expected[c]).margin(1e-4));
  }
  // And the parameters round-trip exactly through the Model.
  CHECK(train::extract_parameters(t).tensors == m.tensors);
}

TEST_CASE("core inference agrees with tiny-dnn on the shipped model over the MNIST test set", "[train][network]") {
  const std::string weights = DIGITS_SOURCE_DIR "/weights/mnist.dgw";
  const std::string data = DIGITS_SOURCE_DIR "/.deps/mnist";
  if (!std::filesystem::exists(weights) || !std::filesystem::exists(data)) {
    FAIL("needs weights/mnist.dgw and the MNIST files (cmake/deps.sh data)");
  }
  const Model m = load_model(weights);
  train::TinyNetwork t;
  train::build_network(t);
  train::load_parameters(t, m);
  t.net.set_netphase(td::net_phase::test);
  Network core(m);
  const Dataset test = load_mnist(data, "t10k");
  td::vec_t image(kImageSize);
  double worst = 0;
  for (int i = 0; i < test.images.count; ++i) {
    to_unit_floats(test.images.image(i), image.data(), kImageSize);
    const td::vec_t expected = t.net.predict(image);
    const Probabilities got = core.predict(image.data());
    for (int c = 0; c < kClasses; ++c) worst = std::max(worst, static_cast<double>(std::abs(got[c] - expected[c])));
  }
  INFO("largest probability difference " << worst);
  CHECK(worst < 1e-4);
}

TEST_CASE("corrected dropout keeps 1 - rate of the units, scaled, and is the identity in test", "[train][dropout]") {
  train::Dropout d(10000, 0.25f);
  d.reseed(1);
  td::tensor_t in(2, td::vec_t(10000, 1.0f)), out(2, td::vec_t(10000, 0.0f));
  std::vector<td::tensor_t*> ins = {&in}, outs = {&out};
  d.set_context(td::net_phase::train);
  d.forward_propagation(ins, outs);
  for (int s = 0; s < 2; ++s) {
    int kept = 0;
    for (float v : out[s]) {
      REQUIRE((v == 0.0f || v == Approx(1.0f / 0.75f)));
      kept += v != 0.0f;
    }
    CHECK(kept == Approx(7500).margin(200));  // 0.75 kept, not tiny-dnn's 0.25
  }
  // The backward pass routes every sample's gradient through its own mask.
  td::tensor_t grad_out(2, td::vec_t(10000, 1.0f)), grad_in(2, td::vec_t(10000, -1.0f));
  std::vector<td::tensor_t*> go = {&grad_out}, gi = {&grad_in};
  d.back_propagation(ins, outs, go, gi);
  for (int s = 0; s < 2; ++s) CHECK(grad_in[s] == out[s]);
  d.set_context(td::net_phase::test);
  d.forward_propagation(ins, outs);
  CHECK(out[0] == in[0]);
}
