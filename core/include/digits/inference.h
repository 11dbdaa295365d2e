// Core's own forward pass of the reference CNN: the code the browser, the
// desktop app and `digits evaluate` all run. Batch norm is folded into the
// next convolution or dense layer when the network is built, so a prediction
// is four convolutions, two poolings and two matrix-vector products, with no
// allocation per call.
//
// Every layer keeps its output from the last prediction, by name ("conv1",
// "conv2", "pool1", "conv3", "conv4", "pool2", "dense1", "logits",
// "probabilities"): the feature-map panel, saliency and fine-tuning read them
// without recomputing or allocating anything.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "digits/architecture.h"
#include "digits/model.h"

namespace digits {

using Probabilities = std::array<float, kClasses>;

class Network {
 public:
  enum class Op { Conv, MaxPool, Dense, Softmax };
  // One step of the folded network. A Conv or Dense step's weights already
  // include the batch norm that preceded it in the architecture.
  struct Layer {
    std::string name;
    Op op = Op::Conv;
    Shape in, out;
    int kernel = 0;
    bool relu = false;
    std::vector<float> weights, bias;  // tiny-dnn layouts: conv [out][in][ky][kx], dense [in][out]
    std::vector<float> output;         // this layer's output for the last predict()
  };

  explicit Network(const Model& model);

  // `image` is 28x28 row-major, 0 = background, 1 = ink (MNIST scaled to [0,1]).
  // Returns the softmax of the logits (temperature 1).
  Probabilities predict(const float* image);

  const std::vector<Layer>& layers() const { return layers_; }
  // For fine-tuning: the caller changes weights and biases in place (from
  // then on predict() checks whether convolution weights changed).
  std::vector<Layer>& mutable_layers() {
    weights_may_change_ = true;
    ++version_;
    return layers_;
  }
  // Changes with every predict() and mutable_layers(): while it stays the
  // same, the layer outputs are those of the same prediction, same weights.
  std::uint64_t version() const { return version_; }
  // The layer of that name; throws digits::Error for an unknown name.
  const Layer& layer(std::string_view name) const;
  int layer_index(std::string_view name) const;

  // Outputs of the last predict(): the 128 penultimate activations and the logits.
  const std::vector<float>& features() const { return layers_[features_].output; }
  const std::vector<float>& logits() const { return layers_[logits_].output; }

  // The network as a weights file's tensors: folded weights, with the batch
  // norms that were folded into them written as identities (mean 0,
  // variance 1 - epsilon), so a fine-tuned network can be saved and reloaded.
  std::vector<std::vector<float>> to_tensors() const;

 private:
  // A 3x3 convolution with enough channels runs as Winograd F(2x2, 3x3), or
  // F(4x4, 3x3) where its output's sides divide by 4 (see inference.cpp);
  // its kernels are transformed once from `source`.
  struct FastConv {
    std::vector<float> kernels, source;  // empty: direct convolution
    int tile = 2;                        // output tile side: 2 or 4
    int tiles_x = 0, tiles_y = 0, tile_stride = 0;
  };
  static void make_kernels(const Layer& l, FastConv& fast);
  void convolve(Layer& l, FastConv& fast, const float* in);

  std::vector<Layer> layers_;
  std::vector<FastConv> fast_;             // one per layer
  std::vector<float> scratch_, products_;  // transformed inputs and their products
  // Channels-last copies of a Winograd convolution's input and output; which
  // one holds the last layer's output (-1: none, the next input is copied).
  std::vector<float> channels_last_[2];
  int channels_last_output_ = -1;
  bool weights_may_change_ = false;
  std::uint64_t version_ = 0;
  int features_ = 0, logits_ = 0;
};

int argmax(const Probabilities& p);

// Softmax of `logits / temperature`.
Probabilities softmax(const float* logits, float temperature = 1.0f);

}  // namespace digits
