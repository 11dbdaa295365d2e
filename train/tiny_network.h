// The reference architecture as a tiny-dnn network, and moving its
// parameters to and from core's Model (the weight file's contents).
#pragma once

#include <cstdint>
#include <vector>

#include "digits/model.h"
#include "tiny_dnn.h"

namespace digits::train {

class Dropout;

struct TinyNetwork {
  tiny_dnn::network<tiny_dnn::sequential> net;
  std::vector<Dropout*> dropouts;
  // Every trainable tensor (conv/dense weights and biases), in Architecture::tensors order.
  std::vector<tiny_dnn::vec_t*> parameters;
};

// Batch-norm momentum 0.99 (Keras' default): tiny-dnn's 0.999 with running
// variance starting at 0 leaves the statistics far from converged after an epoch.
// Kernels::Fast uses this project's batched layers (fast_layers.h);
// Kernels::Stock uses tiny-dnn's own layers (slow; for comparison and tests).
enum class Kernels { Fast, Stock };
void build_network(TinyNetwork& t, Kernels kernels = Kernels::Fast, float batch_norm_momentum = 0.99f);

void load_parameters(TinyNetwork& t, const Model& model);
Model extract_parameters(TinyNetwork& t);

// Reseeds every dropout layer; called at the start of each epoch so a resumed
// run draws the same masks as an uninterrupted one.
void reseed_dropout(TinyNetwork& t, std::uint64_t seed);

}  // namespace digits::train
