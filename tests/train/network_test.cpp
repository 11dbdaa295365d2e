// The tiny-dnn network built from core's architecture agrees with core's
// inference, with the batched layers and with tiny-dnn's own, and parameters survive the trip
// tiny-dnn -> Model -> tiny-dnn.
#include <catch2/catch.hpp>
#include <filesystem>

#include "digits/evaluate.h"
#include "digits/idx.h"
#include "digits/inference.h"
#include "parallel_evaluate.h"
#include "tiny_network.h"
#include "tiny_test_models.h"

using namespace digits;
namespace td = tiny_dnn;

namespace {}  // namespace

TEST_CASE("core inference agrees with tiny-dnn's predict on random weights", "[train][network]") {
  const auto kernels = GENERATE(train::Kernels::Fast, train::Kernels::Stock);
  td::set_random_seed(42);
  train::TinyNetwork t;
  train::build_network(t, kernels);
  const Model m = testing::randomised(t, 1);
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

  // The trainer's and `digits evaluate`'s parallel evaluation gives core's numbers.
  const EvaluationResult serial = evaluate(core, test);
  const EvaluationResult parallel = train::evaluate_in_parallel(m, test);
  CHECK(parallel.metrics.confusion() == serial.metrics.confusion());
  CHECK(parallel.mean_loss == Approx(serial.mean_loss).epsilon(1e-12));
  std::vector<int> some = {5, 17, 9999, 0, 42};
  CHECK(train::evaluate_in_parallel(m, test, some).metrics.confusion() ==
        evaluate(core, test, some).metrics.confusion());
}
