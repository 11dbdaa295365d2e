// The fast kernels of core's forward pass (Winograd F(4x4, 3x3) for the
// convolutions with enough channels whose output sides divide by 4, F(2x2, 3x3)
// for the others, direct tiles for the first, pooling
// straight from a convolution's channels-last output) against a plain
// convolution and a plain max pool, layer by layer: every named output the panels, saliency
// and fine-tuning read must be what the layer's weights say, also after
// fine-tuning changes them in place.
#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "digits/inference.h"
#include "test_models.h"

using namespace digits;

namespace {

// out[o][y][x] = relu(b[o] + sum over i, ky, kx of w[o][i][ky][kx] * in[i][y+ky][x+kx]), in double.
std::vector<double> plain_conv(const Network::Layer& l, const std::vector<float>& in) {
  const Shape &is = l.in, &os = l.out;
  const int k = l.kernel;
  std::vector<double> out(static_cast<std::size_t>(os.size()));
  for (int o = 0; o < os.channels; ++o)
    for (int y = 0; y < os.height; ++y)
      for (int x = 0; x < os.width; ++x) {
        double sum = l.bias[o];
        for (int i = 0; i < is.channels; ++i)
          for (int ky = 0; ky < k; ++ky)
            for (int kx = 0; kx < k; ++kx)
              sum += static_cast<double>(l.weights[((o * is.channels + i) * k + ky) * k + kx]) *
                     in[(i * is.height + y + ky) * is.width + x + kx];
        out[(o * os.height + y) * os.width + x] = l.relu ? std::max(sum, 0.0) : sum;
      }
  return out;
}

std::vector<float> random_image(unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  std::vector<float> image(kImageSize);
  for (float& v : image) v = u(rng) < 0.4f ? u(rng) : 0.0f;
  return image;
}

// Largest difference between each convolution's output and a plain
// convolution of the previous layer's output, relative to the output's range.
double worst_conv_error(const Network& net, const std::vector<float>& image) {
  double worst = 0;
  const auto& layers = net.layers();
  for (std::size_t i = 0; i < layers.size(); ++i) {
    if (layers[i].op != Network::Op::Conv) continue;
    const std::vector<float>& in = i == 0 ? image : layers[i - 1].output;
    const std::vector<double> expected = plain_conv(layers[i], in);
    double range = 1e-6, error = 0;
    for (std::size_t j = 0; j < expected.size(); ++j) {
      range = std::max(range, std::fabs(expected[j]));
      error = std::max(error, std::fabs(expected[j] - layers[i].output[j]));
    }
    INFO(layers[i].name << ": error " << error << " of outputs up to " << range);
    CHECK(error <= 1e-5 * range);
    worst = std::max(worst, error / range);
  }
  return worst;
}

}  // namespace

TEST_CASE("every convolution's kept output is the plain convolution of its input", "[core][inference][kernels]") {
  for (unsigned seed = 1; seed <= 3; ++seed) {
    Network net(testing::random_model(seed));
    const std::vector<float> image = random_image(seed);
    net.predict(image.data());
    worst_conv_error(net, image);
  }
}

TEST_CASE("every pooling's kept output is exactly the max of its input's windows", "[core][inference][kernels]") {
  for (unsigned seed = 1; seed <= 3; ++seed) {
    Network net(testing::random_model(seed));
    const std::vector<float> image = random_image(seed);
    net.predict(image.data());
    const auto& layers = net.layers();
    int pools = 0;
    for (std::size_t i = 1; i < layers.size(); ++i) {
      const Network::Layer& l = layers[i];
      if (l.op != Network::Op::MaxPool) continue;
      ++pools;
      const std::vector<float>& in = layers[i - 1].output;
      int wrong = 0;
      for (int c = 0; c < l.out.channels; ++c)
        for (int y = 0; y < l.out.height; ++y)
          for (int x = 0; x < l.out.width; ++x) {
            float m = -INFINITY;
            for (int dy = 0; dy < l.kernel; ++dy)
              for (int dx = 0; dx < l.kernel; ++dx)
                m = std::max(m, in[(c * l.in.height + y * l.kernel + dy) * l.in.width + x * l.kernel + dx]);
            wrong += l.output[(c * l.out.height + y) * l.out.width + x] != m;
          }
      INFO(l.name);
      CHECK(wrong == 0);
    }
    CHECK(pools == 2);
  }
}

TEST_CASE("convolution weights changed in place are used by the next prediction", "[core][inference][kernels]") {
  Network net(testing::random_model(4));
  const std::vector<float> image = random_image(4);
  net.predict(image.data());
  const std::vector<float> before = net.layer("conv3").output;
  // Fine-tuning style: change weights through mutable_layers(), keep the reference, predict twice.
  std::vector<Network::Layer>& layers = net.mutable_layers();
  Network::Layer& conv3 = layers[net.layer_index("conv3")];
  for (float& w : conv3.weights) w = -w;
  net.predict(image.data());
  CHECK(net.layer("conv3").output != before);
  worst_conv_error(net, image);
  for (float& w : conv3.weights) w *= 0.5f;
  net.predict(image.data());
  worst_conv_error(net, image);
}
