// The reference architecture's shapes, as the Keras model defines them.
#include "digits/architecture.h"

#include <catch2/catch.hpp>

using namespace digits;

TEST_CASE("reference architecture has the Keras model's layers and shapes", "[core][architecture]") {
  const Architecture& a = reference_architecture();
  REQUIRE(a.layers.size() == 16);
  CHECK(a.layers.front().in.size() == 28 * 28);
  CHECK(a.layers[0].out.width == 26);
  CHECK(a.layers[2].out.width == 24);
  CHECK(a.layers[4].out.width == 12);
  CHECK(a.layers[6].out.width == 10);
  CHECK(a.layers[8].out.width == 8);
  CHECK(a.layers[10].out.size() == 4 * 4 * 64);
  CHECK(a.layers[12].out.size() == 128);
  CHECK(a.layers.back().out.size() == kClasses);
  CHECK(a.layers.back().softmax);
  CHECK(a.layers[5].rate == Approx(0.25f));
  CHECK(a.layers[14].rate == Approx(0.5f));
  // conv 320 + 9,248 + 18,496 + 36,928, dense 131,200 + 1,290 (Keras reports the same, minus batch norm).
  CHECK(a.parameter_count() == 197482);
  // Each layer's output feeds the next.
  for (std::size_t i = 1; i < a.layers.size(); ++i) CHECK(a.layers[i].in.size() == a.layers[i - 1].out.size());
}
