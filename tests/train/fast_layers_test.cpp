// The batched training layers against tiny-dnn's stock layers (forward
// outputs, and gradients through one SGD step or direct backward calls) and
// against central finite differences of their own forward pass.
#include "fast_layers.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <set>
#include <sstream>

#include "dropout.h"
#include "thread_pool.h"
#include "tiny_dnn.h"

namespace td = tiny_dnn;
using namespace digits::train;

namespace {

using relu = td::activation::relu;
using softmax = td::activation::softmax;

td::vec_t random_vector(std::size_t n, std::mt19937& rng, float lo = -1.0f, float hi = 1.0f) {
  std::uniform_real_distribution<float> u(lo, hi);
  td::vec_t v(n);
  for (float& x : v) x = u(rng);
  return v;
}

std::vector<td::vec_t> random_inputs(int n, std::size_t size, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<td::vec_t> xs;
  for (int i = 0; i < n; ++i) xs.push_back(random_vector(size, rng));
  return xs;
}

void copy_weights(td::network<td::sequential>& from, td::network<td::sequential>& to) {
  REQUIRE(from.depth() == to.depth());
  for (std::size_t i = 0; i < from.depth(); ++i) {
    auto src = from[i]->weights();
    auto dst = to[i]->weights();
    REQUIRE(src.size() == dst.size());
    for (std::size_t k = 0; k < src.size(); ++k) *dst[k] = *src[k];
  }
}

// Same predictions on every input, then one SGD step with a large rate on the
// whole batch: equal parameters afterwards mean equal gradients for every
// weight of every layer (each layer's input gradient feeds the one before).
void require_same_training_step(td::network<td::sequential>& stock, td::network<td::sequential>& fast,
                                const std::vector<td::vec_t>& xs, int classes) {
  stock.init_weight();
  fast.init_weight();
  copy_weights(stock, fast);
  for (const auto& x : xs) {
    const td::vec_t a = stock.predict(x), b = fast.predict(x);
    REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i) REQUIRE(b[i] == Approx(a[i]).margin(1e-6));
  }
  std::vector<td::label_t> labels;
  for (std::size_t i = 0; i < xs.size(); ++i) labels.push_back(static_cast<td::label_t>(i % classes));
  td::gradient_descent sgd_a, sgd_b;
  sgd_a.alpha = sgd_b.alpha = 0.5f;
  stock.train<td::cross_entropy_multiclass>(sgd_a, xs, labels, xs.size(), 1);
  fast.train<td::cross_entropy_multiclass>(sgd_b, xs, labels, xs.size(), 1);
  int compared = 0;
  for (std::size_t l = 0; l < stock.depth(); ++l) {
    auto a = stock[l]->weights();
    auto b = fast[l]->weights();
    for (std::size_t k = 0; k < a.size(); ++k) {
      for (std::size_t i = 0; i < a[k]->size(); ++i, ++compared) {
        REQUIRE((*b[k])[i] == Approx((*a[k])[i]).margin(1e-5));
      }
    }
  }
  REQUIRE(compared > 0);
}

// Tensors for calling a layer's kernels directly: inputs (data, then weights
// and bias as one-sample tensors), outputs, and zeroed gradients for each.
struct LayerIo {
  std::vector<td::tensor_t> in, out, in_grad, out_grad;

  LayerIo(td::layer& layer, std::vector<td::tensor_t> inputs) : in(std::move(inputs)) {
    const std::size_t samples = in[0].size();
    for (const td::shape3d& shape : layer.out_shape()) {
      out.emplace_back(samples, td::vec_t(shape.size(), 0.0f));
      out_grad.emplace_back(samples, td::vec_t(shape.size(), 0.0f));
    }
    for (const td::tensor_t& t : in) in_grad.emplace_back(t.size(), td::vec_t(t[0].size(), 0.0f));
  }

  static std::vector<td::tensor_t*> pointers(std::vector<td::tensor_t>& ts) {
    std::vector<td::tensor_t*> p;
    for (auto& t : ts) p.push_back(&t);
    return p;
  }
  void forward(td::layer& layer) {
    auto i = pointers(in), o = pointers(out);
    layer.forward_propagation(i, o);
  }
  void backward(td::layer& layer) {
    for (auto& t : in_grad) {
      for (auto& v : t) std::fill(v.begin(), v.end(), 0.0f);
    }
    auto i = pointers(in), o = pointers(out), og = pointers(out_grad), ig = pointers(in_grad);
    layer.back_propagation(i, o, og, ig);
  }
};

// L = sum over the batch of r . output with a fixed random r, so dL/doutput
// = r. Checks the backward pass's gradient for `checks` random entries of
// every input (data, weights, bias) against (L(v + h) - L(v - h)) / 2h.
void require_finite_differences(td::layer& layer, std::vector<td::tensor_t> inputs, unsigned seed, int checks = 40) {
  layer.set_context(td::net_phase::train);
  LayerIo io(layer, std::move(inputs));
  std::mt19937 rng(seed);
  td::tensor_t r;
  for (std::size_t s = 0; s < io.in[0].size(); ++s) r.push_back(random_vector(io.out[0][0].size(), rng));
  auto loss = [&] {
    io.forward(layer);
    double sum = 0;
    for (std::size_t s = 0; s < r.size(); ++s) {
      for (std::size_t i = 0; i < r[s].size(); ++i) sum += static_cast<double>(r[s][i]) * io.out[0][s][i];
    }
    return sum;
  };
  loss();
  io.out_grad[0] = r;
  io.backward(layer);
  const float h = 1e-3f;
  for (std::size_t k = 0; k < io.in.size(); ++k) {
    for (int c = 0; c < checks; ++c) {
      const std::size_t s = rng() % io.in[k].size(), i = rng() % io.in[k][s].size();
      const float v = io.in[k][s][i];
      io.in[k][s][i] = v + h;
      const double up = loss();
      io.in[k][s][i] = v - h;
      const double down = loss();
      io.in[k][s][i] = v;
      const double numeric = (up - down) / (2.0 * h);
      INFO("input " << k << " sample " << s << " index " << i);
      REQUIRE(io.in_grad[k][s][i] == Approx(numeric).margin(2e-3).epsilon(1e-2));
    }
  }
}

// A layer's weights and bias as one-sample tensors, after tiny-dnn's initialisation.
std::vector<td::tensor_t> with_parameters(td::layer& layer, const td::tensor_t& data) {
  layer.init_weight();
  std::vector<td::tensor_t> in = {data};
  for (const td::vec_t* w : layer.weights()) in.push_back(td::tensor_t{*w});
  // Nonzero biases, so their gradient path is exercised with real values.
  std::mt19937 rng(99);
  if (in.size() == 3) in[2][0] = random_vector(in[2][0].size(), rng, -0.2f, 0.2f);
  return in;
}

td::tensor_t batch(int n, std::size_t size, unsigned seed) {
  const auto xs = random_inputs(n, size, seed);
  return td::tensor_t(xs.begin(), xs.end());
}

}  // namespace

TEST_CASE("FastConv matches tiny-dnn's convolution forward and backward", "[train][fast_layers]") {
  // conv(6x6x2 -> 4x4x3) -> conv(4x4x3 -> 2x2x4) -> dense softmax(16 -> 3).
  td::set_random_seed(3);
  td::network<td::sequential> stock, fast;
  stock << td::convolutional_layer<relu>(6, 6, 3, 2, 3) << td::convolutional_layer<relu>(4, 4, 3, 3, 4)
        << td::fully_connected_layer<softmax>(16, 3);
  fast << FastConv(6, 6, 3, 2, 3) << FastConv(4, 4, 3, 3, 4) << td::fully_connected_layer<softmax>(16, 3);
  require_same_training_step(stock, fast, random_inputs(8, 72, 11), 3);
}

TEST_CASE("FastDense matches tiny-dnn's fully connected layers (ReLU and softmax)", "[train][fast_layers]") {
  td::set_random_seed(4);
  td::network<td::sequential> stock, fast;
  stock << td::fully_connected_layer<relu>(20, 12) << td::fully_connected_layer<relu>(12, 7)
        << td::fully_connected_layer<softmax>(7, 4);
  fast << FastDenseRelu(20, 12) << FastDenseRelu(12, 7) << FastDenseSoftmax(7, 4);
  require_same_training_step(stock, fast, random_inputs(9, 20, 12), 4);
}

TEST_CASE("FastMaxPool matches tiny-dnn's max pooling, ties included", "[train][fast_layers]") {
  // ReLU zeros before the pool make ties: both must route the gradient to
  // the first maximum in the window.
  td::set_random_seed(5);
  td::network<td::sequential> stock, fast;
  stock << td::convolutional_layer<relu>(6, 6, 3, 2, 3) << td::max_pooling_layer<td::activation::identity>(4, 4, 3, 2)
        << td::fully_connected_layer<softmax>(12, 3);
  fast << td::convolutional_layer<relu>(6, 6, 3, 2, 3) << FastMaxPool(4, 4, 3, 2)
       << td::fully_connected_layer<softmax>(12, 3);
  require_same_training_step(stock, fast, random_inputs(8, 72, 13), 3);
}

TEST_CASE("FastBatchNorm matches tiny-dnn's batch norm", "[train][fast_layers]") {
  const int n = 6, spatial = 10, channels = 3;
  td::batch_normalization_layer stock(spatial, channels, 1e-5f, 0.9f);
  FastBatchNorm fast(spatial, channels, 1e-5f, 0.9f);
  stock.set_mean(td::vec_t(channels, 0.0f));  // FastBatchNorm's starting statistics
  stock.set_variance(td::vec_t(channels, 1.0f));
  // Channels with different offsets and scales.
  td::tensor_t x = batch(n, spatial * channels, 21);
  for (auto& v : x) {
    for (int c = 0; c < channels; ++c) {
      for (int p = 0; p < spatial; ++p) v[c * spatial + p] = v[c * spatial + p] * (c + 1) + 2.0f * c;
    }
  }
  LayerIo a(stock, {x}), b(fast, {x});
  stock.set_context(td::net_phase::train);
  fast.set_context(td::net_phase::train);
  a.forward(stock);
  b.forward(fast);
  for (int s = 0; s < n; ++s) {
    for (int i = 0; i < spatial * channels; ++i) REQUIRE(b.out[0][s][i] == Approx(a.out[0][s][i]).margin(1e-5));
  }

  // Backward. tiny-dnn normalises by the unbiased variance but its gradient
  // divides mean(dy * y) by N, the biased variance's term; FastBatchNorm uses
  // N - 1, the exact gradient. So fast = stock - y * sum(dy * y) * (1/(N-1) - 1/N) / stddev.
  std::mt19937 rng(7);
  for (int s = 0; s < n; ++s) a.out_grad[0][s] = b.out_grad[0][s] = random_vector(spatial * channels, rng);
  a.backward(stock);
  b.backward(fast);
  const double count = n * spatial;
  for (int c = 0; c < channels; ++c) {
    double mean = 0, squares = 0, dot = 0;
    for (int s = 0; s < n; ++s) {
      for (int p = 0; p < spatial; ++p) mean += x[s][c * spatial + p] / count;
    }
    for (int s = 0; s < n; ++s) {
      for (int p = 0; p < spatial; ++p) {
        const int i = c * spatial + p;
        squares += (x[s][i] - mean) * (x[s][i] - mean);
        dot += static_cast<double>(b.out_grad[0][s][i]) * b.out[0][s][i];
      }
    }
    const double stddev = std::sqrt(squares / (count - 1) + 1e-5);
    for (int s = 0; s < n; ++s) {
      for (int p = 0; p < spatial; ++p) {
        const int i = c * spatial + p;
        const double expected = a.in_grad[0][s][i] - b.out[0][s][i] * dot * (1 / (count - 1) - 1 / count) / stddev;
        REQUIRE(b.in_grad[0][s][i] == Approx(expected).margin(1e-5));
      }
    }
  }

  // Running statistics after an update, and the test-phase forward pass.
  stock.post_update();
  fast.post_update();
  std::stringstream text;
  text.precision(9);
  stock.save(text);
  for (float m : fast.mean()) {
    float expected = 0;
    text >> expected;
    REQUIRE(m == Approx(expected).margin(1e-6));
  }
  for (float v : fast.variance()) {
    float expected = 0;
    text >> expected;
    REQUIRE(v == Approx(expected).margin(1e-6));
  }
  stock.set_context(td::net_phase::test);
  fast.set_context(td::net_phase::test);
  a.forward(stock);
  b.forward(fast);
  for (int s = 0; s < n; ++s) {
    for (int i = 0; i < spatial * channels; ++i) REQUIRE(b.out[0][s][i] == Approx(a.out[0][s][i]).margin(1e-5));
  }
}

TEST_CASE("the batched layers' gradients agree with finite differences", "[train][fast_layers]") {
  td::set_random_seed(8);
  SECTION("convolution, every input gradient") {
    FastConv conv(6, 5, 3, 2, 3);
    conv.weight_init(td::weight_init::he());
    require_finite_differences(conv, with_parameters(conv, batch(3, 60, 31)), 1);
  }
  SECTION("dense + ReLU") {
    FastDenseRelu dense(10, 6);
    require_finite_differences(dense, with_parameters(dense, batch(4, 10, 32)), 2);
  }
  SECTION("dense + softmax") {
    FastDenseSoftmax dense(10, 6);
    require_finite_differences(dense, with_parameters(dense, batch(4, 10, 33)), 3);
  }
  SECTION("batch norm (the statistics depend on the input)") {
    FastBatchNorm bn(5, 3, 1e-5f, 0.99f);
    require_finite_differences(bn, {batch(4, 15, 34)}, 4);
  }
  SECTION("max pooling") {
    FastMaxPool pool(6, 4, 2, 2);
    require_finite_differences(pool, {batch(3, 48, 35)}, 5);
  }
}

TEST_CASE("the first convolution may skip its input gradient", "[train][fast_layers]") {
  td::set_random_seed(9);
  FastConv with(6, 6, 3, 1, 2), without(6, 6, 3, 1, 2, /*input_gradient=*/false);
  auto in = with_parameters(with, batch(2, 36, 41));
  LayerIo a(with, in), b(without, in);
  a.forward(with);
  b.forward(without);
  std::mt19937 rng(1);
  for (int s = 0; s < 2; ++s) a.out_grad[0][s] = b.out_grad[0][s] = random_vector(32, rng);
  a.backward(with);
  b.backward(without);
  CHECK(a.in_grad[1] == b.in_grad[1]);  // same weight gradients
  CHECK(a.in_grad[2] == b.in_grad[2]);
  bool any = false;
  for (float v : a.in_grad[0][0]) any |= v != 0.0f;
  CHECK(any);
  for (float v : b.in_grad[0][0]) REQUIRE(v == 0.0f);
}

TEST_CASE("corrected dropout keeps 1 - rate of the units, scaled, and is the identity in test", "[train][dropout]") {
  Dropout d(10000, 0.25f);
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
  CHECK(out[0] != out[1]);  // each sample draws its own mask
  // The backward pass routes every sample's gradient through its own mask.
  td::tensor_t grad_out(2, td::vec_t(10000, 1.0f)), grad_in(2, td::vec_t(10000, -1.0f));
  std::vector<td::tensor_t*> go = {&grad_out}, gi = {&grad_in};
  d.back_propagation(ins, outs, go, gi);
  for (int s = 0; s < 2; ++s) CHECK(grad_in[s] == out[s]);
  // A new batch draws new masks; reseeding replays the same sequence.
  const td::tensor_t first = out;
  d.forward_propagation(ins, outs);
  CHECK(out != first);
  d.reseed(1);
  d.forward_propagation(ins, outs);
  CHECK(out == first);
  d.set_context(td::net_phase::test);
  d.forward_propagation(ins, outs);
  CHECK(out[0] == in[0]);
}

TEST_CASE("the thread pool covers every index once, in fixed parts", "[train][thread_pool]") {
  for (int threads : {1, 2, 3, 5}) {
    ThreadPool pool(threads);
    for (int n : {0, 1, 2, 7, 100}) {
      // Workers only write their own indices; Catch2's checks run on this thread.
      std::vector<int> hits(static_cast<std::size_t>(n), 0), owner, first;
      for (int round = 0; round < 50; ++round) {
        owner.assign(static_cast<std::size_t>(n), -1);
        parallel_ranges(
            n,
            [&](int begin, int end, int part) {
              for (int i = begin; i < end; ++i) {
                ++hits[i];
                owner[i] = part;
              }
            },
            pool);
        if (round == 0) first = owner;
        REQUIRE(owner == first);  // the same split every time
      }
      for (int h : hits) REQUIRE(h == 50);
      std::set<int> parts(first.begin(), first.end());
      CHECK(static_cast<int>(parts.size()) == std::min(threads, n));
    }
  }
}
