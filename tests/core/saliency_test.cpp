// Saliency's gradients against central finite differences of the forward
// pass, Grad-CAM's definition and geometry, and the placement that maps the
// 28x28 input back onto the canvas.
#include "digits/saliency.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "test_models.h"

using namespace digits;

namespace {

std::array<float, kImageSize> random_image(unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  std::array<float, kImageSize> image{};
  for (float& v : image) v = u(rng) < 0.3f ? u(rng) : 0.0f;
  return image;
}

float logit(Network& net, const float* image, int label) {
  net.predict(image);
  return net.logits()[label];
}

// Everything after conv4, written out here from the layers' weights:
// 2x2 max pool, dense + ReLU, dense.
float head(const Network& net, const std::vector<float>& conv4, int label) {
  const Network::Layer& pool = net.layer("pool2");
  const Network::Layer& dense = net.layer("dense1");
  const Network::Layer& out = net.layer("logits");
  std::vector<double> pooled(pool.out.size());
  const int w = pool.in.width, ow = pool.out.width;
  for (int c = 0; c < pool.out.channels; ++c)
    for (int y = 0; y < ow; ++y)
      for (int x = 0; x < ow; ++x) {
        const float* p = &conv4[(c * w + 2 * y) * w + 2 * x];
        pooled[(c * ow + y) * ow + x] = std::max({p[0], p[1], p[w], p[w + 1]});
      }
  double z = out.bias[label];
  for (int j = 0; j < dense.out.size(); ++j) {
    double a = dense.bias[j];
    for (int i = 0; i < dense.in.size(); ++i) a += dense.weights[i * dense.out.size() + j] * pooled[i];
    z += std::max(a, 0.0) * out.weights[j * kClasses + label];
  }
  return static_cast<float>(z);
}

// The network is piecewise linear, so a central difference is exact unless a
// ReLU or a max pool switches within +-h (random weights put many units near
// their kinks) or float rounding of the logit shows: nearly every entry must
// agree, and the whole gradient to a few percent.
constexpr float kStep = 5e-4f;
struct Agreement {
  int agree = 0, total = 0;
  double error2 = 0, norm2 = 0;
  void add(float numeric, float analytic, float largest) {
    agree += std::fabs(numeric - analytic) <= 0.02f * largest;
    ++total;
    error2 += static_cast<double>(numeric - analytic) * (numeric - analytic);
    norm2 += static_cast<double>(analytic) * analytic;
  }
  double fraction() const { return static_cast<double>(agree) / total; }
  double relative_error() const { return std::sqrt(error2 / norm2); }
};

}  // namespace

TEST_CASE("the input gradient matches central finite differences of the forward pass", "[saliency]") {
  Network net(testing::random_model(3));
  Saliency saliency;
  const auto image = random_image(4);
  for (int label : {0, 7}) {
    net.predict(image.data());
    saliency.compute(net, image.data(), label, SaliencyMethod::GradientTimesInput);
    const auto gradient = saliency.input_gradient();
    float largest = 0;
    for (float g : gradient) largest = std::max(largest, std::fabs(g));
    REQUIRE(largest > 0);
    Agreement a;
    auto probe = image;
    for (int p = 0; p < kImageSize; ++p) {
      probe[p] = image[p] + kStep;
      const float up = logit(net, probe.data(), label);
      probe[p] = image[p] - kStep;
      const float down = logit(net, probe.data(), label);
      probe[p] = image[p];
      a.add((up - down) / (2 * kStep), gradient[p], largest);
    }
    INFO("class " << label << ": " << a.agree << " of " << a.total << " pixels agree; relative error "
                  << a.relative_error() << "; largest gradient " << largest);
    CHECK(a.fraction() >= 0.95);
    CHECK(a.relative_error() < 0.05);
  }
}

TEST_CASE("the conv4 gradient matches central finite differences of the layers after it", "[saliency]") {
  Network net(testing::random_model(5));
  Saliency saliency;
  const auto image = random_image(6);
  const int label = 3;
  net.predict(image.data());
  std::vector<float> conv4 = net.layer("conv4").output;
  REQUIRE(head(net, conv4, label) == Approx(net.logits()[label]).margin(1e-3));
  saliency.compute(net, image.data(), label, SaliencyMethod::GradCam);
  const std::vector<float>& gradient = saliency.conv4_gradient();
  REQUIRE(gradient.size() == conv4.size());
  float largest = 0;
  for (float g : gradient) largest = std::max(largest, std::fabs(g));
  REQUIRE(largest > 0);
  std::mt19937 rng(7);
  std::uniform_int_distribution<std::size_t> pick(0, conv4.size() - 1);
  // Where a pooling window's maximum is tied (all zeros after the ReLU) the
  // logit has no derivative; backward picks the first entry, as forward's max does.
  auto tied = [&](std::size_t i) {
    const int side = kCamSide, c = static_cast<int>(i) / (side * side), p = static_cast<int>(i) % (side * side);
    const float* w = &conv4[c * side * side + (p / side / 2 * 2) * side + p % side / 2 * 2];
    const float m = std::max({w[0], w[1], w[side], w[side + 1]});
    return (w[0] == m) + (w[1] == m) + (w[side] == m) + (w[side + 1] == m) > 1;
  };
  Agreement a;
  while (a.total < 300) {
    const std::size_t i = pick(rng);
    if (tied(i)) continue;
    const float v = conv4[i];
    conv4[i] = v + kStep;
    const float up = head(net, conv4, label);
    conv4[i] = v - kStep;
    const float down = head(net, conv4, label);
    conv4[i] = v;
    a.add((up - down) / (2 * kStep), gradient[i], largest);
  }
  INFO(a.agree << " of " << a.total << " conv4 entries agree; relative error " << a.relative_error());
  CHECK(a.fraction() >= 0.95);
  CHECK(a.relative_error() < 0.05);
}

TEST_CASE("Grad-CAM weights each conv4 channel by its mean gradient and keeps the positive part", "[saliency]") {
  Network net(testing::random_model(8));
  Saliency saliency;
  const auto image = random_image(9);
  net.predict(image.data());
  const int label = 5;
  const auto& map = saliency.compute(net, image.data(), label, SaliencyMethod::GradCam);
  const std::vector<float>& a = net.layer("conv4").output;
  const std::vector<float>& g = saliency.conv4_gradient();
  constexpr int plane = kCamSide * kCamSide;
  bool some_positive = false;
  for (int p = 0; p < plane; ++p) {
    double sum = 0;
    for (int c = 0; c < 64; ++c) {
      double mean = 0;
      for (int q = 0; q < plane; ++q) mean += g[c * plane + q];
      sum += mean / plane * a[c * plane + p];
    }
    CHECK(saliency.cam()[p] == Approx(std::max(sum, 0.0)).margin(1e-5));
    some_positive |= sum > 0;
  }
  REQUIRE(some_positive);
  CHECK(*std::min_element(map.begin(), map.end()) >= 0.0f);
  CHECK(*std::max_element(map.begin(), map.end()) == Approx(1.0f));
}

TEST_CASE("gradient x input is zero where there is no ink and peaks at 1", "[saliency]") {
  Network net(testing::random_model(10));
  Saliency saliency;
  const auto image = random_image(11);
  net.predict(image.data());
  const auto& map = saliency.compute(net, image.data(), 2, SaliencyMethod::GradientTimesInput);
  for (int p = 0; p < kImageSize; ++p) {
    if (image[p] == 0.0f) REQUIRE(map[p] == 0.0f);
  }
  CHECK(*std::max_element(map.begin(), map.end()) == Approx(1.0f));
}

TEST_CASE("upsampling puts a conv4 cell at the centre of its receptive field", "[saliency]") {
  // Cell (2, 5) sees input pixels 4..17 across and 10..23 down: centre (11, 17)
  // in pixel-edge coordinates, between pixels 10 and 11 across, 16 and 17 down.
  std::array<float, kCamSide * kCamSide> cam{};
  cam[5 * kCamSide + 2] = 1.0f;
  std::array<float, kImageSize> image{};
  upsample_cam(cam.data(), image.data());
  const float peak = *std::max_element(image.begin(), image.end());
  for (int v = 0; v < kImageSide; ++v) {
    for (int u = 0; u < kImageSide; ++u) {
      const bool centre = (u == 10 || u == 11) && (v == 16 || v == 17);
      INFO("pixel (" << u << ", " << v << ")");
      CHECK((image[v * kImageSide + u] == peak) == centre);
    }
  }
  CHECK(peak == Approx(0.75f * 0.75f));
  // A uniform map stays uniform (the weights sum to 1 everywhere, borders included).
  cam.fill(0.5f);
  upsample_cam(cam.data(), image.data());
  for (float v : image) REQUIRE(v == Approx(0.5f));
}

TEST_CASE("the placement maps the canvas ink onto where it landed in the 28x28 input", "[saliency][preprocess]") {
  // An asymmetric shape (an L with a heavy foot) on a 280x200 canvas.
  const int w = 280, h = 200;
  std::vector<float> canvas(static_cast<std::size_t>(w) * h, 0.0f);
  auto fill = [&](int x0, int y0, int x1, int y1) {
    for (int y = y0; y < y1; ++y)
      for (int x = x0; x < x1; ++x) canvas[y * w + x] = 1.0f;
  };
  fill(60, 30, 80, 170);
  fill(60, 140, 150, 170);
  const Preprocessed pre = preprocess(canvas.data(), w, h);
  REQUIRE_FALSE(pre.empty);
  const Placement& p = pre.placement;
  // The ink box's corners land on the edges of the 20-pixel digit in the input.
  const auto top_left = canvas_to_input(pre.ink, p, pre.ink.x, pre.ink.y);
  const auto bottom_right = canvas_to_input(pre.ink, p, pre.ink.x + pre.ink.width, pre.ink.y + pre.ink.height);
  CHECK(bottom_right[1] - top_left[1] == Approx(20.0f));
  float first_x = kImageSide, first_y = kImageSide;
  for (int v = 0; v < kImageSide; ++v)
    for (int u = 0; u < kImageSide; ++u)
      if (pre.image[v * kImageSide + u] > 0) {
        first_x = std::min<float>(first_x, u);
        first_y = std::min<float>(first_y, v);
      }
  CHECK(top_left[0] == Approx(first_x));
  CHECK(top_left[1] == Approx(first_y));
  // The ink's centre of mass maps onto the input's (pixel centres at +0.5).
  double mass = 0, mx = 0, my = 0;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      mass += canvas[y * w + x];
      mx += canvas[y * w + x] * (x + 0.5);
      my += canvas[y * w + x] * (y + 0.5);
    }
  const auto mapped = canvas_to_input(pre.ink, p, static_cast<float>(mx / mass), static_cast<float>(my / mass));
  const auto com = centre_of_mass(pre.image);
  CHECK(mapped[0] == Approx(com[0] + 0.5f).margin(0.15));
  CHECK(mapped[1] == Approx(com[1] + 0.5f).margin(0.15));
  const auto back = input_to_canvas(pre.ink, p, mapped[0], mapped[1]);
  CHECK(back[0] == Approx(mx / mass).margin(1e-3));
  CHECK(back[1] == Approx(my / mass).margin(1e-3));
}

TEST_CASE("saliency refuses a class outside 0-9 by name", "[saliency]") {
  Network net(testing::random_model(12));
  Saliency saliency;
  const auto image = random_image(13);
  net.predict(image.data());
  CHECK_THROWS_WITH(saliency.compute(net, image.data(), 10, SaliencyMethod::GradCam),
                    Catch::Contains("class 10 is not 0-9"));
}
