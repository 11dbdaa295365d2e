// Builds the tiny-dnn network from core's architecture list.
#include "tiny_network.h"

#include <sstream>

#include "digits/architecture.h"
#include "digits/error.h"
#include "dropout.h"
#include "fast_layers.h"

namespace digits::train {
namespace {

using tiny_dnn::serial_size_t;

tiny_dnn::batch_normalization_layer* as_stock_batch_norm(tiny_dnn::layer* l) {
  return dynamic_cast<tiny_dnn::batch_normalization_layer*>(l);
}

void set_statistics(tiny_dnn::layer* l, const std::vector<float>& mean, const std::vector<float>& variance) {
  if (auto* fast = dynamic_cast<FastBatchNorm*>(l)) {
    fast->set_statistics(mean, variance);
  } else {
    as_stock_batch_norm(l)->set_mean(tiny_dnn::vec_t(mean.begin(), mean.end()));
    as_stock_batch_norm(l)->set_variance(tiny_dnn::vec_t(variance.begin(), variance.end()));
  }
}

void get_statistics(tiny_dnn::layer* l, std::vector<float>& mean, std::vector<float>& variance, std::size_t index) {
  if (auto* fast = dynamic_cast<FastBatchNorm*>(l)) {
    mean = fast->mean();
    variance = fast->variance();
    return;
  }
  // tiny-dnn offers no getter for the running statistics; its text save()
  // writes "mean... variance...", exact at 9 significant digits.
  std::stringstream text;
  text.precision(9);
  l->save(text);
  for (float& m : mean) text >> m;
  for (float& v : variance) text >> v;
  if (!text) throw Error("could not read batch-norm statistics from layer " + std::to_string(index));
}

// He initialisation suits ReLU layers. (weight_init() returns a plain layer&,
// which network::operator<< would store as a non-owning pointer, so the layer
// is configured first and then moved in.)
template <class Layer>
Layer he_initialised(Layer&& layer) {
  layer.weight_init(tiny_dnn::weight_init::he());
  return std::move(layer);
}

}  // namespace

void build_network(TinyNetwork& t, Kernels kernels, float batch_norm_momentum) {
  const bool fast = kernels == Kernels::Fast;
  namespace td = tiny_dnn;
  using td::activation::relu;
  using td::activation::softmax;
  bool first = true;
  for (const LayerSpec& l : reference_architecture().layers) {
    const auto iw = static_cast<serial_size_t>(l.in.width), ih = static_cast<serial_size_t>(l.in.height),
               ic = static_cast<serial_size_t>(l.in.channels), oc = static_cast<serial_size_t>(l.out.channels),
               k = static_cast<serial_size_t>(l.kernel);
    switch (l.kind) {
      case LayerKind::Conv:
        if (fast) {
          t.net << he_initialised(FastConv(iw, ih, k, ic, oc, /*input_gradient=*/!first));
        } else {
          t.net << he_initialised(td::convolutional_layer<relu>(iw, ih, k, ic, oc));
        }
        break;
      case LayerKind::BatchNorm:
        if (fast) {
          t.net << FastBatchNorm(iw * ih, ic, l.epsilon, batch_norm_momentum);
        } else {
          t.net << td::batch_normalization_layer(iw * ih, ic, l.epsilon, batch_norm_momentum, td::net_phase::train);
        }
        break;
      case LayerKind::MaxPool:
        if (fast) {
          t.net << FastMaxPool(iw, ih, ic, k);
        } else {
          t.net << td::max_pooling_layer<td::activation::identity>(iw, ih, ic, k);
        }
        break;
      case LayerKind::Dropout:
        t.net << Dropout(static_cast<serial_size_t>(l.in.size()), l.rate);
        break;
      case LayerKind::Dense:
        if (l.softmax && fast) {
          t.net << FastDenseSoftmax(static_cast<serial_size_t>(l.in.size()), oc);
        } else if (l.softmax) {
          t.net << td::fully_connected_layer<softmax>(static_cast<serial_size_t>(l.in.size()), oc);
        } else if (fast) {
          t.net << he_initialised(FastDenseRelu(static_cast<serial_size_t>(l.in.size()), oc));
        } else {
          t.net << he_initialised(td::fully_connected_layer<relu>(static_cast<serial_size_t>(l.in.size()), oc));
        }
        break;
    }
    first = false;
  }
  // Weights are allocated (and initialised from tiny-dnn's seeded RNG) here.
  t.net.init_weight();
  t.dropouts.clear();
  t.parameters.clear();
  for (std::size_t i = 0; i < t.net.depth(); ++i) {
    tiny_dnn::layer* layer = t.net[i];
    if (auto* d = dynamic_cast<Dropout*>(layer)) t.dropouts.push_back(d);
    // tiny-dnn starts the running variance at 0, which makes an early
    // evaluation divide by ~sqrt(eps); start from the identity instead.
    const LayerSpec& spec = reference_architecture().layers[i];
    if (spec.kind == LayerKind::BatchNorm) {
      const auto channels = static_cast<std::size_t>(spec.in.channels);
      set_statistics(layer, std::vector<float>(channels, 0.0f), std::vector<float>(channels, 1.0f));
    } else {
      for (tiny_dnn::vec_t* w : layer->weights()) t.parameters.push_back(w);
    }
  }
}

void load_parameters(TinyNetwork& t, const Model& model) {
  validate_model(model, "model");
  const Architecture& arch = reference_architecture();
  std::size_t tensor = 0, parameter = 0;
  for (std::size_t i = 0; i < t.net.depth(); ++i) {
    const LayerSpec& spec = arch.layers[i];
    if (spec.kind == LayerKind::BatchNorm) {
      set_statistics(t.net[i], model.tensors[tensor], model.tensors[tensor + 1]);
      tensor += 2;
    } else if (spec.kind == LayerKind::Conv || spec.kind == LayerKind::Dense) {
      for (int k = 0; k < 2; ++k, ++tensor) {
        t.parameters[parameter++]->assign(model.tensors[tensor].begin(), model.tensors[tensor].end());
      }
    }
  }
}

Model extract_parameters(TinyNetwork& t) {
  const Architecture& arch = reference_architecture();
  Model model;
  std::size_t parameter = 0;
  for (std::size_t i = 0; i < t.net.depth(); ++i) {
    const LayerSpec& spec = arch.layers[i];
    if (spec.kind == LayerKind::BatchNorm) {
      const auto channels = static_cast<std::size_t>(spec.in.channels);
      std::vector<float> mean(channels), variance(channels);
      get_statistics(t.net[i], mean, variance, i);
      model.tensors.push_back(std::move(mean));
      model.tensors.push_back(std::move(variance));
    } else if (spec.kind == LayerKind::Conv || spec.kind == LayerKind::Dense) {
      for (int k = 0; k < 2; ++k) {
        const tiny_dnn::vec_t& w = *t.parameters[parameter++];
        model.tensors.emplace_back(w.begin(), w.end());
      }
    }
  }
  return model;
}

void reseed_dropout(TinyNetwork& t, std::uint64_t seed) {
  for (std::size_t i = 0; i < t.dropouts.size(); ++i) t.dropouts[i]->reseed(seed * 1000003u + i);
}

}  // namespace digits::train
