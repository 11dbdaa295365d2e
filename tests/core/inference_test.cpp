// Core's forward pass (batch norm folded) against a direct, unfused
// implementation of the architecture written here from the layer list.
#include "digits/inference.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <numeric>

#include "digits/recognize.h"
#include "test_models.h"

using namespace digits;

namespace {

// Layer by layer, exactly as specified: conv+ReLU, batch norm, pool, dense.
std::vector<double> reference_forward(const Model& m, const std::vector<float>& image) {
  std::vector<double> x(image.begin(), image.end());
  std::size_t t = 0;
  for (const LayerSpec& l : reference_architecture().layers) {
    std::vector<double> y(l.out.size(), 0.0);
    const int iw = l.in.width, ih = l.in.height, ic = l.in.channels;
    const int ow = l.out.width, oh = l.out.height, oc = l.out.channels;
    switch (l.kind) {
      case LayerKind::Conv: {
        const auto& w = m.tensors[t++];
        const auto& b = m.tensors[t++];
        for (int o = 0; o < oc; ++o)
          for (int yy = 0; yy < oh; ++yy)
            for (int xx = 0; xx < ow; ++xx) {
              double s = b[o];
              for (int i = 0; i < ic; ++i)
                for (int ky = 0; ky < l.kernel; ++ky)
                  for (int kx = 0; kx < l.kernel; ++kx)
                    s += w[((o * ic + i) * l.kernel + ky) * l.kernel + kx] * x[(i * ih + yy + ky) * iw + xx + kx];
              y[(o * oh + yy) * ow + xx] = std::max(0.0, s);
            }
        break;
      }
      case LayerKind::BatchNorm: {
        const auto& mean = m.tensors[t++];
        const auto& var = m.tensors[t++];
        const int plane = iw * ih;
        for (std::size_t i = 0; i < x.size(); ++i) {
          const int c = static_cast<int>(i) / plane;
          y[i] = (x[i] - mean[c]) / std::sqrt(var[c] + static_cast<double>(l.epsilon));
        }
        break;
      }
      case LayerKind::MaxPool:
        for (int c = 0; c < oc; ++c)
          for (int yy = 0; yy < oh; ++yy)
            for (int xx = 0; xx < ow; ++xx) {
              double best = -1e300;
              for (int dy = 0; dy < l.kernel; ++dy)
                for (int dx = 0; dx < l.kernel; ++dx)
                  best = std::max(best, x[(c * ih + yy * l.kernel + dy) * iw + xx * l.kernel + dx]);
              y[(c * oh + yy) * ow + xx] = best;
            }
        break;
      case LayerKind::Dropout:
        y = x;
        break;
      case LayerKind::Dense: {
        const auto& w = m.tensors[t++];
        const auto& b = m.tensors[t++];
        for (int j = 0; j < oc; ++j) {
          double s = b[j];
          for (int i = 0; i < l.in.size(); ++i) s += w[i * oc + j] * x[i];
          y[j] = l.relu ? std::max(0.0, s) : s;
        }
        if (l.softmax) {
          const double mx = *std::max_element(y.begin(), y.end());
          double sum = 0;
          for (double& v : y) sum += (v = std::exp(v - mx));
          for (double& v : y) v /= sum;
        }
        break;
      }
    }
    x = std::move(y);
  }
  return x;
}

}  // namespace

TEST_CASE("core inference matches an unfused reference implementation", "[core][inference]") {
  for (unsigned seed = 1; seed <= 3; ++seed) {
    const Model m = testing::random_model(seed);
    Network net(m);
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(0.0f, 1.0f);
    for (int k = 0; k < 5; ++k) {
      std::vector<float> image(kImageSize);
      for (float& v : image) v = u(rng) < 0.3f ? u(rng) : 0.0f;
      const Probabilities p = net.predict(image.data());
      const std::vector<double> r = reference_forward(m, image);
      float sum = 0;
      for (int c = 0; c < kClasses; ++c) {
        CHECK(p[c] == Approx(r[c]).margin(1e-5));
        sum += p[c];
      }
      CHECK(sum == Approx(1.0f).margin(1e-5));
    }
  }
}

TEST_CASE("the network refuses an invalid model", "[core][inference]") {
  Model m = testing::random_model(1);
  m.tensors.pop_back();
  REQUIRE_THROWS(Network(m));
}

TEST_CASE("argmax picks the most probable class", "[core][inference]") {
  Probabilities p{};
  p[7] = 0.9f;
  p[2] = 0.1f;
  CHECK(argmax(p) == 7);
}

TEST_CASE("the recognizer knows while the network still holds the input it classified last", "[core][inference]") {
  Recognizer r(testing::random_model(2));
  std::array<float, kImageSize> a{}, b{};
  for (int i = 0; i < kImageSize; ++i) a[i] = (i % 7) / 7.0f, b[i] = (i % 5) / 5.0f;
  r.classify(a);
  CHECK(r.network_holds(a));
  CHECK_FALSE(r.network_holds(b));
  const std::vector<float> conv1 = r.network().layer("conv1").output;
  r.network().predict(b.data());  // a panel ran the network on something else
  CHECK_FALSE(r.network_holds(a));
  r.network().predict(a.data());  // the same input again, but not through classify()
  CHECK_FALSE(r.network_holds(a));
  CHECK(r.network().layer("conv1").output == conv1);
  r.classify(a);
  r.network().mutable_layers();  // fine-tuning may change weights in place
  CHECK_FALSE(r.network_holds(a));
}
