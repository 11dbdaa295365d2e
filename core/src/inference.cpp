// Forward pass of the reference CNN on one image.
#include "digits/inference.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "digits/error.h"

// The convolutions are the hot loops: on x86-64 GCC also builds an AVX2 copy
// of them and picks it at load time where the CPU has it (8 floats a step
// instead of SSE2's 4); the binary still runs on any x86-64.
// (Not under ThreadSanitizer: its instrumented ifunc resolvers run before it starts.)
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_THREAD__)
#define DIGITS_HOT_LOOP __attribute__((target_clones("avx2", "default")))
#else
#define DIGITS_HOT_LOOP
#endif

namespace digits {
namespace {

// Per-channel affine transform y = scale * x + shift still to be applied to a
// tensor: what a batch-norm layer leaves for the next weighted layer to absorb.
struct PendingAffine {
  std::vector<float> scale, shift;
  bool empty() const { return scale.empty(); }
};

// Register tiling: a strip of 8 outputs in a row, for 4 output channels at
// once, accumulates over every input channel and kernel tap before it is
// stored -- one input load feeds 32 multiply-adds. Strips overlap at the right
// edge when the width is not a multiple of 8 (recomputing equal values).
constexpr int kStrip = 8, kBlock = 4;

// GCC/Clang vector extension: 8 floats the compiler maps to AVX, SSE pairs
// or scalars, whatever the target has.
typedef float Vec8 __attribute__((vector_size(32)));

DIGITS_HOT_LOOP void conv_tiled(const float* in, float* out, const Shape& is, const Shape& os, int k, const float* w,
                                const float* b, bool relu) {
  const int plane = os.width * os.height, in_plane = is.width * is.height, taps = k * k;
  const int channel_stride = is.channels * taps;  // between the weights of consecutive output channels
  for (int o = 0; o < os.channels; o += kBlock) {
    for (int y = 0; y < os.height; ++y) {
      for (int x0 = 0; x0 < os.width; x0 += kStrip) {
        const int x = std::min(x0, os.width - kStrip);
        Vec8 a0 = Vec8{} + b[o], a1 = Vec8{} + b[o + 1], a2 = Vec8{} + b[o + 2], a3 = Vec8{} + b[o + 3];
        for (int i = 0; i < is.channels; ++i) {
          const float* src = in + i * in_plane + y * is.width + x;
          const float* kw = w + (o * is.channels + i) * taps;
          for (int ky = 0; ky < k; ++ky) {
            for (int kx = 0; kx < k; ++kx) {
              Vec8 v;
              std::memcpy(&v, src + ky * is.width + kx, sizeof v);  // unaligned load
              const float* t = kw + ky * k + kx;
              a0 += t[0] * v;
              a1 += t[channel_stride] * v;
              a2 += t[2 * channel_stride] * v;
              a3 += t[3 * channel_stride] * v;
            }
          }
        }
        const Vec8 acc[kBlock] = {a0, a1, a2, a3};
        for (int c = 0; c < kBlock; ++c) {
          float* d = out + (o + c) * plane + y * os.width + x;
          for (int l = 0; l < kStrip; ++l) d[l] = relu ? std::max(acc[c][l], 0.0f) : acc[c][l];
        }
      }
    }
  }
}

// Any shape: one output plane at a time.
DIGITS_HOT_LOOP void conv_plain(const float* in, float* out, const Shape& is, const Shape& os, int k, const float* w,
                                const float* b, bool relu) {
  const int plane = os.width * os.height;
  for (int o = 0; o < os.channels; ++o) {
    float* dst = out + o * plane;
    std::fill(dst, dst + plane, b[o]);
    for (int i = 0; i < is.channels; ++i) {
      const float* src = in + i * is.width * is.height;
      const float* kw = w + (o * is.channels + i) * k * k;
      for (int ky = 0; ky < k; ++ky) {
        for (int kx = 0; kx < k; ++kx) {
          const float wv = kw[ky * k + kx];
          for (int y = 0; y < os.height; ++y) {
            float* d = dst + y * os.width;
            const float* s = src + (y + ky) * is.width + kx;
            for (int x = 0; x < os.width; ++x) d[x] += wv * s[x];
          }
        }
      }
    }
    if (relu) {
      for (int p = 0; p < plane; ++p) dst[p] = std::max(dst[p], 0.0f);
    }
  }
}

void conv_forward(const float* in, float* out, const Shape& is, const Shape& os, int k, const float* w, const float* b,
                  bool relu) {
  if (os.width >= kStrip && os.channels % kBlock == 0) {
    conv_tiled(in, out, is, os, k, w, b, relu);
  } else {
    conv_plain(in, out, is, os, k, w, b, relu);
  }
}

void max_pool_forward(const float* in, float* out, const Shape& is, const Shape& os, int k) {
  for (int c = 0; c < os.channels; ++c) {
    const float* src = in + c * is.width * is.height;
    float* dst = out + c * os.width * os.height;
    for (int y = 0; y < os.height; ++y) {
      for (int x = 0; x < os.width; ++x) {
        float m = src[(y * k) * is.width + x * k];
        for (int dy = 0; dy < k; ++dy) {
          for (int dx = 0; dx < k; ++dx) m = std::max(m, src[(y * k + dy) * is.width + x * k + dx]);
        }
        dst[y * os.width + x] = m;
      }
    }
  }
}

DIGITS_HOT_LOOP void dense_forward(const float* in, float* out, int n_in, int n_out, const float* w, const float* b,
                                   bool relu) {
  std::copy(b, b + n_out, out);
  for (int i = 0; i < n_in; ++i) {
    const float v = in[i];
    if (v == 0.0f) continue;  // ReLU output is mostly zeros
    const float* row = w + i * n_out;
    for (int j = 0; j < n_out; ++j) out[j] += v * row[j];
  }
  if (relu) {
    for (int j = 0; j < n_out; ++j) out[j] = std::max(out[j], 0.0f);
  }
}

void softmax_in_place(float* x, int n) {
  const float m = *std::max_element(x, x + n);
  float sum = 0;
  for (int i = 0; i < n; ++i) sum += (x[i] = std::exp(x[i] - m));
  for (int i = 0; i < n; ++i) x[i] /= sum;
}

// Folds y = s*x + t (per input channel) into convolution weights laid out
// [out][in][ky][kx]: w' = w*s, b' = b + sum(w*t).
void fold_conv(std::vector<float>& w, std::vector<float>& b, const PendingAffine& a, int in_channels, int k) {
  const int out_channels = static_cast<int>(b.size());
  for (int o = 0; o < out_channels; ++o) {
    for (int i = 0; i < in_channels; ++i) {
      float* kw = &w[(o * in_channels + i) * k * k];
      for (int j = 0; j < k * k; ++j) {
        b[o] += kw[j] * a.shift[i];
        kw[j] *= a.scale[i];
      }
    }
  }
}

void fold_dense(std::vector<float>& w, std::vector<float>& b, const PendingAffine& a, const Shape& in) {
  const int n_out = static_cast<int>(b.size());
  const int plane = in.width * in.height;
  for (int i = 0; i < in.size(); ++i) {
    const int c = i / plane;
    for (int j = 0; j < n_out; ++j) {
      b[j] += w[i * n_out + j] * a.shift[c];
      w[i * n_out + j] *= a.scale[c];
    }
  }
}

}  // namespace

Network::Network(const Model& model) {
  validate_model(model, "model");
  const Architecture& arch = reference_architecture();
  PendingAffine pending;
  std::size_t tensor = 0;
  int convs = 0, pools = 0, denses = 0;
  for (const LayerSpec& spec : arch.layers) {
    switch (spec.kind) {
      case LayerKind::Conv:
      case LayerKind::Dense: {
        Layer l;
        const bool conv = spec.kind == LayerKind::Conv;
        l.op = conv ? Op::Conv : Op::Dense;
        l.name = conv ? "conv" + std::to_string(++convs) : "dense" + std::to_string(++denses);
        l.in = spec.in;
        l.out = spec.out;
        l.kernel = spec.kernel;
        l.relu = spec.relu;
        l.weights = model.tensors[tensor++];
        l.bias = model.tensors[tensor++];
        if (!pending.empty()) {
          if (conv)
            fold_conv(l.weights, l.bias, pending, spec.in.channels, spec.kernel);
          else
            fold_dense(l.weights, l.bias, pending, spec.in);
          pending = {};
        }
        const bool output = spec.softmax;
        if (output) l.name = "logits";
        layers_.push_back(std::move(l));
        if (output) {
          Layer s;
          s.op = Op::Softmax;
          s.name = "probabilities";
          s.in = s.out = spec.out;
          layers_.push_back(std::move(s));
        }
        break;
      }
      case LayerKind::BatchNorm: {
        const auto& mean = model.tensors[tensor++];
        const auto& variance = model.tensors[tensor++];
        pending.scale.resize(mean.size());
        pending.shift.resize(mean.size());
        for (std::size_t c = 0; c < mean.size(); ++c) {
          pending.scale[c] = 1.0f / std::sqrt(variance[c] + spec.epsilon);
          pending.shift[c] = -mean[c] * pending.scale[c];
        }
        break;
      }
      case LayerKind::MaxPool: {
        // max(s*x + t) == s*max(x) + t because s > 0: pooling may run first.
        Layer l;
        l.op = Op::MaxPool;
        l.name = "pool" + std::to_string(++pools);
        l.in = spec.in;
        l.out = spec.out;
        l.kernel = spec.kernel;
        layers_.push_back(std::move(l));
        break;
      }
      case LayerKind::Dropout:
        break;  // identity at inference
    }
  }
  if (!pending.empty()) throw Error("architecture ends in batch norm: nothing to fold it into");
  for (Layer& l : layers_) l.output.assign(static_cast<std::size_t>(l.out.size()), 0.0f);
  features_ = layer_index("logits") - 1;
  logits_ = layer_index("logits");
}

Probabilities Network::predict(const float* image) {
  const float* in = image;
  for (Layer& l : layers_) {
    float* out = l.output.data();
    switch (l.op) {
      case Op::Conv:
        conv_forward(in, out, l.in, l.out, l.kernel, l.weights.data(), l.bias.data(), l.relu);
        break;
      case Op::MaxPool:
        max_pool_forward(in, out, l.in, l.out, l.kernel);
        break;
      case Op::Dense:
        dense_forward(in, out, l.in.size(), l.out.size(), l.weights.data(), l.bias.data(), l.relu);
        break;
      case Op::Softmax:
        std::copy(in, in + l.out.size(), out);
        softmax_in_place(out, l.out.size());
        break;
    }
    in = out;
  }
  Probabilities p;
  std::copy(in, in + kClasses, p.begin());
  return p;
}

int Network::layer_index(std::string_view name) const {
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    if (layers_[i].name == name) return static_cast<int>(i);
  }
  throw Error("the network has no layer named '" + std::string(name) + "'");
}

const Network::Layer& Network::layer(std::string_view name) const { return layers_[layer_index(name)]; }

std::vector<std::vector<float>> Network::to_tensors() const {
  std::vector<std::vector<float>> tensors;
  auto weighted = layers_.begin();
  for (const LayerSpec& spec : reference_architecture().layers) {
    if (spec.kind == LayerKind::Conv || spec.kind == LayerKind::Dense) {
      while (weighted->op != Op::Conv && weighted->op != Op::Dense) ++weighted;
      tensors.push_back(weighted->weights);
      tensors.push_back(weighted->bias);
      ++weighted;
    } else if (spec.kind == LayerKind::BatchNorm) {
      tensors.emplace_back(static_cast<std::size_t>(spec.out.channels), 0.0f);
      tensors.emplace_back(static_cast<std::size_t>(spec.out.channels), 1.0f - spec.epsilon);
    }
  }
  return tensors;
}

Probabilities softmax(const float* logits, float temperature) {
  Probabilities p;
  for (int i = 0; i < kClasses; ++i) p[i] = logits[i] / temperature;
  softmax_in_place(p.data(), kClasses);
  return p;
}

int argmax(const Probabilities& p) { return static_cast<int>(std::max_element(p.begin(), p.end()) - p.begin()); }

}  // namespace digits
