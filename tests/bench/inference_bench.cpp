// Benchmark (not a test): single-image inference latency of core's forward
// pass next to tiny-dnn's predict on the same weights, and the cost of
// preprocessing a 280x280 canvas.   ./build/tests/inference_bench [WEIGHTS] [DATA]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "digits/idx.h"
#include "digits/inference.h"
#include "digits/preprocess.h"
#include "tiny_network.h"

using namespace digits;
using Clock = std::chrono::steady_clock;

namespace {

template <class F>
std::vector<double> time_each(int n, F&& f) {
  std::vector<double> ms(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    const auto t0 = Clock::now();
    f(i);
    ms[i] = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  }
  std::sort(ms.begin(), ms.end());
  return ms;
}

void report(const char* what, const std::vector<double>& ms) {
  double sum = 0;
  for (double v : ms) sum += v;
  std::printf("%-34s mean %7.3f ms   median %7.3f ms   p99 %7.3f ms   (%zu runs)\n", what, sum / ms.size(),
              ms[ms.size() / 2], ms[ms.size() * 99 / 100], ms.size());
}

}  // namespace

int main(int argc, char** argv) {
  const std::string weights = argc > 1 ? argv[1] : DIGITS_SOURCE_DIR "/weights/mnist.dgw";
  const std::string data = argc > 2 ? argv[2] : DIGITS_SOURCE_DIR "/.deps/mnist";
  const Model model = load_model(weights);
  const Dataset test = load_mnist(data, "t10k");
  std::vector<float> images(static_cast<std::size_t>(test.images.count) * kImageSize);
  to_unit_floats(test.images.pixels.data(), images.data(), static_cast<int>(images.size()));

  Network core(model);
  float sink = 0;
  for (int i = 0; i < 200; ++i) sink += core.predict(&images[i * kImageSize])[0];  // warm-up
  report("core forward pass (1 thread)", time_each(test.images.count, [&](int i) {
           sink += core.predict(&images[static_cast<std::size_t>(i) * kImageSize])[0];
         }));

  train::TinyNetwork tiny;
  train::build_network(tiny, train::Kernels::Stock);
  train::load_parameters(tiny, model);
  tiny.net.set_netphase(tiny_dnn::net_phase::test);
  tiny_dnn::vec_t in(kImageSize);
  report("tiny-dnn predict (stock layers)", time_each(1000, [&](int i) {
           std::copy_n(&images[static_cast<std::size_t>(i) * kImageSize], kImageSize, in.begin());
           sink += tiny.net.predict(in)[0];
         }));

  // A 280x280 canvas with a digit on it, as the app hands to preprocessing.
  std::vector<float> canvas(280 * 280, 0.0f);
  for (int y = 0; y < 280; ++y)
    for (int x = 0; x < 280; ++x) canvas[y * 280 + x] = images[((y / 10) * 28 + x / 10)];
  report("preprocess 280x280 canvas",
         time_each(2000, [&](int) { sink += preprocess(canvas.data(), 280, 280).image[400]; }));
  std::printf("(checksum %g)\n", static_cast<double>(sink));
  return 0;
}
