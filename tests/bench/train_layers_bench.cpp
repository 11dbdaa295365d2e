// Benchmark (not a test): where a training step's time goes. Times every
// layer's forward and backward pass and the optimizer update on batches of
// real MNIST images, for the network `digits train` builds (or tiny-dnn's
// stock layers with --stock).
//   ./build/tests/train_layers_bench [DATA] [--stock] [--batches N]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "adam.h"
#include "digits/idx.h"
#include "tiny_network.h"

using namespace digits;
using Clock = std::chrono::steady_clock;

namespace {

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

}  // namespace

int main(int argc, char** argv) {
  std::string data_dir = std::string(DIGITS_SOURCE_DIR) + "/.deps/mnist";
  bool stock = false;
  int batches = 100;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--stock") == 0) {
      stock = true;
    } else if (std::strcmp(argv[i], "--batches") == 0 && i + 1 < argc) {
      batches = std::max(1, std::atoi(argv[++i]));
    } else {
      data_dir = argv[i];
    }
  }
  const Dataset data = load_mnist(data_dir, "train");
  constexpr int kBatch = 32;

  tiny_dnn::set_random_seed(1);
  train::TinyNetwork t;
  train::build_network(t, stock ? train::Kernels::Stock : train::Kernels::Fast);
  train::Adam adam;
  tiny_dnn::network<tiny_dnn::sequential>& net = t.net;

  std::vector<double> forward(net.depth(), 0.0), backward(net.depth(), 0.0);
  double update = 0, loss_grad = 0;
  const auto total_start = Clock::now();
  for (int b = 0; b < batches; ++b) {
    std::vector<tiny_dnn::vec_t> inputs(kBatch, tiny_dnn::vec_t(kImageSize));
    std::vector<tiny_dnn::label_t> labels(kBatch);
    for (int s = 0; s < kBatch; ++s) {
      const int index = (b * kBatch + s) % data.images.count;
      to_unit_floats(data.images.image(index), inputs[s].data(), kImageSize);
      labels[s] = data.labels[index];
    }
    net[0]->set_in_data({tiny_dnn::tensor_t(inputs.begin(), inputs.end())});
    for (std::size_t l = 0; l < net.depth(); ++l) {
      const auto t0 = Clock::now();
      net[l]->forward();
      forward[l] += ms_since(t0);
    }
    // Cross-entropy on softmax outputs, as network::train computes it.
    auto t0 = Clock::now();
    const std::vector<tiny_dnn::tensor_t> out = net[net.depth() - 1]->output();
    tiny_dnn::tensor_t grad(kBatch, tiny_dnn::vec_t(10));
    for (int s = 0; s < kBatch; ++s) {
      tiny_dnn::vec_t target(10, 0.0f);
      target[labels[s]] = 1.0f;
      grad[s] = tiny_dnn::cross_entropy_multiclass::df(out[0][s], target);
    }
    net[net.depth() - 1]->set_out_grads({grad});
    loss_grad += ms_since(t0);
    for (std::size_t l = net.depth(); l-- > 0;) {
      t0 = Clock::now();
      net[l]->backward();
      backward[l] += ms_since(t0);
    }
    t0 = Clock::now();
    for (std::size_t l = 0; l < net.depth(); ++l) net[l]->update_weight(&adam, kBatch);
    update += ms_since(t0);
  }
  const double total = ms_since(total_start);

  std::printf("%s layers, batch %d, %d batches of MNIST training images (ms per batch)\n", stock ? "stock" : "digits",
              kBatch, batches);
  std::printf("%-4s %-24s %9s %9s\n", "#", "layer", "forward", "backward");
  double sum_f = 0, sum_b = 0;
  for (std::size_t l = 0; l < net.depth(); ++l) {
    sum_f += forward[l];
    sum_b += backward[l];
    std::printf("%-4zu %-24s %9.3f %9.3f\n", l, net[l]->layer_type().c_str(), forward[l] / batches,
                backward[l] / batches);
  }
  std::printf("%-29s %9.3f %9.3f\n", "all layers", sum_f / batches, sum_b / batches);
  std::printf("loss gradient %.3f ms, optimizer update %.3f ms\n", loss_grad / batches, update / batches);
  std::printf("total %.3f ms per batch = %.0f images/s\n", total / batches, kBatch * batches / (total / 1000.0));
  return 0;
}
