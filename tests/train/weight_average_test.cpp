// The per-batch weight average: its arithmetic, and that a checkpoint keeps it
// (a resumed run must continue the same average).
#include "weight_average.h"

#include <catch2/catch.hpp>
#include <filesystem>

#include "checkpoint.h"
#include "tiny_network.h"

using namespace digits;

namespace {

void fill(train::TinyNetwork& t, float value) {
  for (tiny_dnn::vec_t* w : t.parameters) std::fill(w->begin(), w->end(), value);
}

}  // namespace

TEST_CASE("the weight average follows the decay, with a fast start", "[train][average]") {
  train::TinyNetwork t;
  train::build_network(t);
  train::WeightAverage average(0.9f);
  REQUIRE(average.empty());
  fill(t, 1.0f);
  average.update(t);  // the first update copies
  fill(t, 2.0f);
  average.update(t);  // n = 1: decay min(0.9, 2/11)
  const float first = 2.0f / 11 * 1 + 9.0f / 11 * 2;
  const Model m = average.model();
  const Model live = train::extract_parameters(t);
  REQUIRE(m.tensors.size() == live.tensors.size());
  // Every weight and bias was filled; batch-norm statistics were not.
  bool checked = false;
  for (std::size_t i = 0; i < m.tensors.size(); ++i) {
    if (live.tensors[i].front() != 2.0f) continue;  // batch-norm statistics are not filled
    CHECK(m.tensors[i].front() == Approx(first));
    checked = true;
  }
  CHECK(checked);
  for (int k = 0; k < 200; ++k) average.update(t);  // later: decay 0.9, converging to 2
  CHECK(average.model().tensors[0].front() == Approx(2.0f).margin(1e-4));
}

TEST_CASE("a checkpoint keeps the weight average", "[train][average]") {
  train::Checkpoint c;
  c.fingerprint = "test";
  c.average = {{1.5f, 2.5f}, {3.0f}};
  c.average_updates = 42;
  const auto path = (std::filesystem::temp_directory_path() / "digits-average-test.ckpt").string();
  train::save_checkpoint(c, path);
  const train::Checkpoint back = train::load_checkpoint(path);
  std::filesystem::remove(path);
  CHECK(back.average == c.average);
  CHECK(back.average_updates == 42);
}
