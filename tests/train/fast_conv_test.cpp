// FastConv against tiny-dnn's stock convolution (forward outputs, and the
// parameters after one SGD step, i.e. the gradients) and against finite
// differences.
#include "fast_conv.h"

#include <catch2/catch.hpp>

#include "tiny_dnn.h"

namespace td = tiny_dnn;
using digits::train::FastConv;

namespace {

// conv(6x6x2 -> 4x4x3) -> conv(4x4x3 -> 2x2x4) -> dense softmax(16 -> 3):
// the second convolution's input gradient feeds the first one's weights.
template <class Conv>
void build(td::network<td::sequential>& net) {
  net << Conv(6, 6, 3, 2, 3) << Conv(4, 4, 3, 3, 4) << td::fully_connected_layer<td::activation::softmax>(16, 3);
}

std::vector<td::vec_t> random_inputs(int n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<td::vec_t> xs(n, td::vec_t(72));
  for (auto& x : xs) {
    for (auto& v : x) v = u(rng);
  }
  return xs;
}

void copy_weights(td::network<td::sequential>& from, td::network<td::sequential>& to) {
  for (std::size_t i = 0; i < from.depth(); ++i) {
    auto src = from[i]->weights();
    auto dst = to[i]->weights();
    for (std::size_t k = 0; k < src.size(); ++k) *dst[k] = *src[k];
  }
}

}  // namespace

TEST_CASE("FastConv matches tiny-dnn's convolution forward and backward", "[train][fast_conv]") {
  td::set_random_seed(3);
  td::network<td::sequential> stock, fast;
  build<td::convolutional_layer<td::activation::relu>>(stock);
  build<FastConv>(fast);
  stock.init_weight();
  fast.init_weight();
  copy_weights(stock, fast);

  const auto xs = random_inputs(8, 11);
  for (const auto& x : xs) {
    const td::vec_t a = stock.predict(x), b = fast.predict(x);
    for (std::size_t i = 0; i < a.size(); ++i) REQUIRE(b[i] == Approx(a[i]).margin(1e-6));
  }

  // One SGD step with a large rate on the same batch: equal parameters
  // afterwards mean equal gradients for every weight of every layer.
  std::vector<td::label_t> labels = {0, 1, 2, 0, 1, 2, 0, 1};
  td::gradient_descent sgd_a, sgd_b;
  sgd_a.alpha = sgd_b.alpha = 0.5f;
  stock.train<td::cross_entropy_multiclass>(sgd_a, xs, labels, 8, 1);
  fast.train<td::cross_entropy_multiclass>(sgd_b, xs, labels, 8, 1);
  for (std::size_t l = 0; l < stock.depth(); ++l) {
    auto a = stock[l]->weights();
    auto b = fast[l]->weights();
    for (std::size_t k = 0; k < a.size(); ++k) {
      for (std::size_t i = 0; i < a[k]->size(); ++i) REQUIRE((*b[k])[i] == Approx((*a[k])[i]).margin(1e-5));
    }
  }
}

TEST_CASE("FastConv gradients agree with finite differences", "[train][fast_conv]") {
  td::set_random_seed(5);
  td::network<td::sequential> net;
  build<FastConv>(net);
  net.init_weight();
  const auto xs = random_inputs(1, 17);
  std::vector<td::tensor_t> in = {td::tensor_t{xs[0]}};
  std::vector<std::vector<td::label_t>> t = {{1}};
  REQUIRE(net.gradient_check<td::mse>(in, t, 1e-2f, td::GRAD_CHECK_ALL));
}
