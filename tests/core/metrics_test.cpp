// Metrics on a small example worked out by hand.
#include "digits/metrics.h"

#include <catch2/catch.hpp>

using namespace digits;

TEST_CASE("accuracy, precision, recall and F1 match a hand computation", "[core][metrics]") {
  Evaluation e;
  // truth 0: predicted 0,0,0,1   truth 1: predicted 1,1,0   truth 2: predicted 2
  for (int p : {0, 0, 0, 1}) e.add(0, p);
  for (int p : {1, 1, 0}) e.add(1, p);
  e.add(2, 2);
  CHECK(e.total() == 8);
  CHECK(e.accuracy() == Approx(6.0 / 8.0));
  // class 0: tp 3, predicted 4, actual 4 -> P 0.75 R 0.75 F1 0.75
  CHECK(e.class_metrics(0).precision == Approx(0.75));
  CHECK(e.class_metrics(0).recall == Approx(0.75));
  CHECK(e.class_metrics(0).f1 == Approx(0.75));
  // class 1: tp 2, predicted 3, actual 3 -> P 2/3 R 2/3
  CHECK(e.class_metrics(1).precision == Approx(2.0 / 3.0));
  CHECK(e.class_metrics(1).recall == Approx(2.0 / 3.0));
  // class 2: perfect; class 5: never seen or predicted -> zeros, no division by zero
  CHECK(e.class_metrics(2).f1 == Approx(1.0));
  CHECK(e.class_metrics(5).precision == 0.0f);
  CHECK(e.class_metrics(5).recall == 0.0f);
  CHECK(e.class_metrics(5).f1 == 0.0f);
  CHECK(e.confusion()[0][1] == 1);
  CHECK(e.confusion()[1][0] == 1);

  ModelMetadata meta;
  e.fill(meta);
  CHECK(meta.test_accuracy == Approx(0.75));
  CHECK(meta.recall[1] == Approx(2.0 / 3.0));
  CHECK(meta.confusion[1][1] == 2);
}

TEST_CASE("an empty evaluation has zero accuracy", "[core][metrics]") { CHECK(Evaluation().accuracy() == 0.0f); }
