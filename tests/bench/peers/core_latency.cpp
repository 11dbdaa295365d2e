// Ours natively, timed the way run.mjs times every peer: core's forward pass
// on the check images export_tensors wrote (cycled), 200 warm-up runs, then
// the median of RUNS (default 2,000) single-image predictions on one thread.
//   core_latency WEIGHTS CHECK_IMAGES [RUNS]   (CHECK_IMAGES: check_images.f32, 28x28 floats each)
// (inference_bench times the same pass over all 10,000 test images.)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "digits/error.h"
#include "digits/inference.h"
#include "digits/model.h"

using namespace digits;
using Clock = std::chrono::steady_clock;

namespace {

std::vector<float> read_images(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) throw Error(path + ": cannot open (run export_tensors first)");
  const auto bytes = static_cast<std::size_t>(in.tellg());
  if (bytes == 0 || bytes % (kImageSize * sizeof(float)) != 0)
    throw Error(path + ": " + std::to_string(bytes) + " bytes is not a whole number of 28x28 float images");
  std::vector<float> images(bytes / sizeof(float));
  in.seekg(0);
  in.read(reinterpret_cast<char*>(images.data()), static_cast<std::streamsize>(bytes));
  if (!in) throw Error(path + ": cannot read");
  return images;
}

}  // namespace

int main(int argc, char** argv) {
  const int runs = argc == 4 ? std::atoi(argv[3]) : 2000;
  if (argc < 3 || argc > 4 || runs < 1) {
    std::cerr << "usage: core_latency WEIGHTS CHECK_IMAGES [RUNS >= 1]\n";
    return 2;
  }
  try {
    Network network(load_model(argv[1]));
    const std::vector<float> images = read_images(argv[2]);
    const int count = static_cast<int>(images.size() / kImageSize);
    const auto image = [&](int i) { return &images[static_cast<std::size_t>(i % count) * kImageSize]; };
    float sink = 0;
    for (int i = 0; i < 200; ++i) sink += network.predict(image(i))[0];
    std::vector<double> ms(static_cast<std::size_t>(runs));
    for (std::size_t i = 0; i < ms.size(); ++i) {
      const auto t0 = Clock::now();
      sink += network.predict(image(static_cast<int>(i)))[0];
      ms[i] = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    }
    std::nth_element(ms.begin(), ms.begin() + ms.size() / 2, ms.end());
    std::printf("median %.4f ms (%d runs, checksum %g)\n", ms[ms.size() / 2], runs, static_cast<double>(sink));
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 1;
  }
}
