// Calibration and the digit score in core: a temperature never changes the
// predicted label, only how sure the model says it is; the digit score
// computes what it claims (energy, Mahalanobis distance, logistic).
#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "digits/digit_score.h"
#include "digits/recognize.h"
#include "test_models.h"

using namespace digits;

namespace {

std::array<float, kImageSize> random_image(std::mt19937& rng) {
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  std::array<float, kImageSize> image;
  for (float& v : image) v = u(rng) < 0.2f ? u(rng) : 0.0f;
  return image;
}

}  // namespace

TEST_CASE("a temperature never changes the label, only the confidence", "[core][calibration]") {
  Model m = testing::random_model(31);
  Recognizer plain(m);
  m.meta.temperature = 0.5f;
  Recognizer sharp(m);
  m.meta.temperature = 3.0f;
  Recognizer soft(m);
  std::mt19937 rng(1);
  for (int i = 0; i < 50; ++i) {
    const auto image = random_image(rng);
    const DigitReading a = plain.classify(image), b = sharp.classify(image), c = soft.classify(image);
    REQUIRE(a.label == b.label);
    REQUIRE(a.label == c.label);
    REQUIRE(a.runner_up == b.runner_up);
    CHECK(b.confidence >= a.confidence);
    CHECK(c.confidence <= a.confidence);
    float sum = 0;
    for (float p : c.probabilities) sum += p;
    CHECK(sum == Approx(1.0f).margin(1e-5));
  }
}

TEST_CASE("the digit score's signals are the energy and the nearest squared Mahalanobis distance",
          "[core][calibration]") {
  const int f = 128;
  DigitScoreParams p;
  p.means.assign(kClasses * f, 0.0f);
  for (int c = 0; c < kClasses; ++c) p.means[c * f + c] = 10.0f;  // class c sits 10 units along axis c
  p.whitening.assign(f * f, 0.0f);
  for (int i = 0; i < f; ++i) p.whitening[i * f + i] = 0.5f;  // covariance 4 I
  p.weights = {2.0f, -0.5f, -1.0f};
  p.threshold = 0.4f;
  DigitScorer scorer(p);
  std::vector<float> features(f, 0.0f);
  features[3] = 9.0f;  // nearest class mean: class 3, one unit away
  const float logits[kClasses] = {0, 0, 0, 4, 0, 0, 0, 0, 0, 1};
  const DigitScoreSignals s = scorer.signals(features.data(), logits, 1.0f);
  CHECK(s.distance == Approx(0.25f));  // (1 * 0.5)^2
  double sum = 0;
  for (float l : logits) sum += std::exp(l);
  CHECK(s.energy == Approx(-std::log(sum)));
  CHECK(scorer.score(s) == Approx(1.0 / (1.0 + std::exp(-(2.0 + 0.5 * std::log(sum) - 0.5)))));
  // Far from every class: a lower score.
  features[3] = 0.0f;
  features[100] = 40.0f;
  CHECK(scorer.score(scorer.signals(features.data(), logits, 1.0f)) < scorer.score(s));
}

TEST_CASE("a model with a digit score says which drawings are not digits", "[core][calibration]") {
  Model m = testing::random_model(32);
  Recognizer without(m);
  std::mt19937 rng(2);
  const auto image = random_image(rng);
  CHECK_FALSE(without.classify(image).has_digit_score);
  CHECK(without.classify(image).is_digit);
  // A score that always says "no": bias far below the threshold.
  m.digit_score.method = "energy";
  m.digit_score.means.assign(kClasses * 128, 0.0f);
  m.digit_score.whitening.assign(128 * 128, 0.0f);
  m.digit_score.weights = {-20.0f, 0.0f, 0.0f};
  m.digit_score.threshold = 0.5f;
  Recognizer with(m);
  const DigitReading d = with.classify(image);
  CHECK(d.has_digit_score);
  CHECK_FALSE(d.is_digit);
  CHECK(d.digit_score < 0.001f);
  CHECK(d.label == without.classify(image).label);
}
