// Batched layer kernels. Convolution: Y[out][P] = W[out][K] * col[K][P] + b
// with K = in*k*k and P = out_w*out_h, gradients the transposed products.
// Dense: Y[B][out] = X[B][in] * W[in][out] + b (tiny-dnn's W layout).
#include "fast_layers.h"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <type_traits>

#include "thread_pool.h"

namespace digits::train {
namespace {

// Parts of a batch run on pool threads; BLAS must not start threads of its own.
struct SingleThreadedBlas {
  SingleThreadedBlas() { openblas_set_num_threads(1); }
};
const SingleThreadedBlas single_threaded_blas;

std::vector<float>& scratch(int which, std::size_t size) {
  thread_local std::vector<float> buffers[2];
  if (buffers[which].size() < size) buffers[which].resize(size);
  return buffers[which];
}

// tiny-dnn's layer::set_sample_count, except that weight gradients keep a
// single sample: these layers sum them over the batch themselves.
void resize_for_batch(tiny_dnn::layer& layer, const std::vector<tiny_dnn::vector_type>& in_types,
                      serial_size_t samples) {
  auto resize = [](tensor_t* t, serial_size_t n) {
    if (t->size() != n) t->resize(n, (*t)[0]);
  };
  const auto inputs = layer.inputs();
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (tiny_dnn::is_trainable_weight(in_types[i])) {
      resize(inputs[i]->get_gradient(), 1);
    } else {
      resize(inputs[i]->get_data(), samples);
      resize(inputs[i]->get_gradient(), samples);
    }
  }
  for (const auto& output : layer.outputs()) {
    resize(output->get_data(), samples);
    resize(output->get_gradient(), samples);
  }
}

// Sums term(0) + ... + term(n - 1) with independent partial sums the
// compiler keeps in vector lanes (one running sum is a chain of dependent
// scalar additions).
template <class Term>
float lane_sum(int n, Term term) {
  constexpr int kLanes = 16;
  float acc[kLanes] = {};
  int i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    for (int j = 0; j < kLanes; ++j) acc[j] += term(i + j);
  }
  float total = 0;
  for (; i < n; ++i) total += term(i);
  for (float a : acc) total += a;
  return total;
}

float sum(const float* x, int n) {
  return lane_sum(n, [x](int i) { return x[i]; });
}

float sum_squared_deviations(const float* x, int n, float mean) {
  return lane_sum(n, [x, mean](int i) { return (x[i] - mean) * (x[i] - mean); });
}

float dot(const float* a, const float* b, int n) {
  return lane_sum(n, [a, b](int i) { return a[i] * b[i]; });
}

// The gradient through a ReLU, from its output: nonzero exactly where the
// input got through. Branch-free (the pattern is random: branches mispredict).
void relu_backward(const float* __restrict y, const float* __restrict dy, float* __restrict g, int n) {
  for (int i = 0; i < n; ++i) g[i] = y[i] > 0.0f ? dy[i] : 0.0f;
}

// Copies a short row (the convolution rows are 8 to 26 floats) without a
// library call per row: fixed-size chunks the compiler turns into moves.
void copy_row(const float* src, int n, float* dst) {
  int i = 0;
  for (; i + 8 <= n; i += 8) std::memcpy(dst + i, src + i, 8 * sizeof(float));
  for (; i < n; ++i) dst[i] = src[i];
}

void relu_in_place(float* v, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) v[i] = std::max(v[i], 0.0f);
}

void softmax_in_place(float* v, std::size_t n) {
  const float top = *std::max_element(v, v + n);
  float sum = 0;
  for (std::size_t i = 0; i < n; ++i) sum += v[i] = std::exp(v[i] - top);
  for (std::size_t i = 0; i < n; ++i) v[i] /= sum;
}

}  // namespace

// --- FastConv ---------------------------------------------------------------

FastConv::FastConv(serial_size_t width, serial_size_t height, serial_size_t kernel, serial_size_t in_channels,
                   serial_size_t out_channels, bool input_gradient)
    : Base(tiny_dnn::std_input_order(true)),
      in_(width, height, in_channels),
      out_(width - kernel + 1, height - kernel + 1, out_channels),
      kernel_(kernel),
      input_gradient_(input_gradient) {}

std::vector<tiny_dnn::shape3d> FastConv::in_shape() const {
  return {in_, tiny_dnn::shape3d(kernel_, kernel_, in_.depth_ * out_.depth_), tiny_dnn::shape3d(1, 1, out_.depth_)};
}

std::vector<tiny_dnn::shape3d> FastConv::out_shape() const { return {out_, out_}; }

void FastConv::set_sample_count(serial_size_t samples) { resize_for_batch(*this, in_type_, samples); }

void FastConv::im2col(const float* in, float* col) const {
  const int k = static_cast<int>(kernel_), ow = static_cast<int>(out_.width_), oh = static_cast<int>(out_.height_);
  const int iw = static_cast<int>(in_.width_), ih = static_cast<int>(in_.height_);
  for (int c = 0; c < static_cast<int>(in_.depth_); ++c) {
    for (int ky = 0; ky < k; ++ky) {
      for (int kx = 0; kx < k; ++kx) {
        const float* src = in + (c * ih + ky) * iw + kx;
        for (int y = 0; y < oh; ++y, col += ow) copy_row(src + y * iw, ow, col);
      }
    }
  }
}

void FastConv::col2im(const float* col, float* in) const {
  const int k = static_cast<int>(kernel_), ow = static_cast<int>(out_.width_), oh = static_cast<int>(out_.height_);
  const int iw = static_cast<int>(in_.width_), ih = static_cast<int>(in_.height_);
  std::fill(in, in + in_.size(), 0.0f);
  for (int c = 0; c < static_cast<int>(in_.depth_); ++c) {
    for (int ky = 0; ky < k; ++ky) {
      for (int kx = 0; kx < k; ++kx) {
        float* dst = in + (c * ih + ky) * iw + kx;
        for (int y = 0; y < oh; ++y, col += ow) {
          for (int x = 0; x < ow; ++x) dst[y * iw + x] += col[x];
        }
      }
    }
  }
}

void FastConv::forward_propagation(const std::vector<tensor_t*>& in_data, std::vector<tensor_t*>& out_data) {
  const tensor_t& in = *in_data[0];
  const tiny_dnn::vec_t& w = (*in_data[1])[0];
  const tiny_dnn::vec_t& b = (*in_data[2])[0];
  tensor_t& out = *out_data[0];
  const int K = static_cast<int>(in_.depth_ * kernel_ * kernel_), P = static_cast<int>(out_.area()),
            O = static_cast<int>(out_.depth_);
  parallel_ranges(static_cast<int>(in.size()), [&](int begin, int end, int) {
    std::vector<float>& col = scratch(0, static_cast<std::size_t>(K) * P);
    for (int s = begin; s < end; ++s) {
      im2col(in[s].data(), col.data());
      float* y = out[s].data();
      for (int o = 0; o < O; ++o) std::fill(y + o * P, y + (o + 1) * P, b[o]);
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, O, P, K, 1.0f, w.data(), K, col.data(), P, 1.0f, y, P);
      relu_in_place(y, static_cast<std::size_t>(O) * P);
    }
  });
}

void FastConv::back_propagation(const std::vector<tensor_t*>& in_data, const std::vector<tensor_t*>& out_data,
                                std::vector<tensor_t*>& out_grad, std::vector<tensor_t*>& in_grad) {
  const tensor_t& in = *in_data[0];
  const tiny_dnn::vec_t& w = (*in_data[1])[0];
  const tensor_t& out = *out_data[0];
  const tensor_t& dy = *out_grad[0];
  tensor_t& dpre = *out_grad[1];
  tensor_t& dx = *in_grad[0];
  float* dw = (*in_grad[1])[0].data();
  float* db = (*in_grad[2])[0].data();
  const int K = static_cast<int>(in_.depth_ * kernel_ * kernel_), P = static_cast<int>(out_.area()),
            O = static_cast<int>(out_.depth_);
  const std::size_t weights = static_cast<std::size_t>(O) * K;
  // Part 0 accumulates into the gradient itself, the others into their own
  // buffers, added afterwards in part order (deterministic sums).
  partial_.resize(static_cast<std::size_t>(ThreadPool::shared().size()));
  const int parts = parallel_ranges(static_cast<int>(in.size()), [&](int begin, int end, int part) {
    if (part != 0) partial_[part].assign(weights + O, 0.0f);
    float* gw = part == 0 ? dw : partial_[part].data();
    float* gb = part == 0 ? db : partial_[part].data() + weights;
    std::vector<float>& col = scratch(0, static_cast<std::size_t>(K) * P);
    for (int s = begin; s < end; ++s) {
      float* g = dpre[s].data();
      relu_backward(out[s].data(), dy[s].data(), g, O * P);
      im2col(in[s].data(), col.data());
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, O, K, P, 1.0f, g, P, col.data(), P, 1.0f, gw, K);
      for (int o = 0; o < O; ++o) gb[o] += sum(g + o * P, P);
      if (input_gradient_) {
        std::vector<float>& dcol = scratch(1, static_cast<std::size_t>(K) * P);
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, K, P, O, 1.0f, w.data(), K, g, P, 0.0f, dcol.data(), P);
        col2im(dcol.data(), dx[s].data());
      }
    }
  });
  for (int p = 1; p < parts; ++p) {
    for (std::size_t i = 0; i < weights; ++i) dw[i] += partial_[p][i];
    for (int o = 0; o < O; ++o) db[o] += partial_[p][weights + o];
  }
}

// --- FastDense --------------------------------------------------------------

template <class A>
FastDense<A>::FastDense(serial_size_t in_size, serial_size_t out_size)
    : Base(tiny_dnn::std_input_order(true)), in_size_(in_size), out_size_(out_size) {}

template <class A>
std::vector<tiny_dnn::shape3d> FastDense<A>::in_shape() const {
  return {tiny_dnn::shape3d(in_size_, 1, 1), tiny_dnn::shape3d(in_size_, out_size_, 1),
          tiny_dnn::shape3d(out_size_, 1, 1)};
}

template <class A>
std::vector<tiny_dnn::shape3d> FastDense<A>::out_shape() const {
  return {tiny_dnn::shape3d(out_size_, 1, 1), tiny_dnn::shape3d(out_size_, 1, 1)};
}

template <class A>
void FastDense<A>::set_sample_count(serial_size_t samples) {
  resize_for_batch(*this, this->in_type_, samples);
}

template <class A>
void FastDense<A>::forward_propagation(const std::vector<tensor_t*>& in_data, std::vector<tensor_t*>& out_data) {
  const tensor_t& in = *in_data[0];
  const tiny_dnn::vec_t& w = (*in_data[1])[0];
  const tiny_dnn::vec_t& b = (*in_data[2])[0];
  tensor_t& out = *out_data[0];
  const int n = static_cast<int>(in.size()), I = static_cast<int>(in_size_), O = static_cast<int>(out_size_);
  x_.resize(static_cast<std::size_t>(n) * I);
  y_.resize(static_cast<std::size_t>(n) * O);
  for (int s = 0; s < n; ++s) {
    std::copy(in[s].begin(), in[s].end(), x_.begin() + static_cast<std::ptrdiff_t>(s) * I);
    std::copy(b.begin(), b.end(), y_.begin() + static_cast<std::ptrdiff_t>(s) * O);
  }
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, O, I, 1.0f, x_.data(), I, w.data(), O, 1.0f, y_.data(), O);
  for (int s = 0; s < n; ++s) {
    float* y = y_.data() + static_cast<std::ptrdiff_t>(s) * O;
    if constexpr (std::is_same_v<A, tiny_dnn::activation::softmax>) {
      softmax_in_place(y, O);
    } else {
      relu_in_place(y, O);
    }
    std::copy(y, y + O, out[s].begin());
  }
}

template <class A>
void FastDense<A>::back_propagation(const std::vector<tensor_t*>& in_data, const std::vector<tensor_t*>& out_data,
                                    std::vector<tensor_t*>& out_grad, std::vector<tensor_t*>& in_grad) {
  const tensor_t& in = *in_data[0];
  const tiny_dnn::vec_t& w = (*in_data[1])[0];
  const tensor_t& out = *out_data[0];
  const tensor_t& dy = *out_grad[0];
  tensor_t& dx = *in_grad[0];
  float* dw = (*in_grad[1])[0].data();
  float* db = (*in_grad[2])[0].data();
  const int n = static_cast<int>(in.size()), I = static_cast<int>(in_size_), O = static_cast<int>(out_size_);
  x_.resize(static_cast<std::size_t>(n) * I);
  y_.resize(static_cast<std::size_t>(n) * O);
  for (int s = 0; s < n; ++s) {
    std::copy(in[s].begin(), in[s].end(), x_.begin() + static_cast<std::ptrdiff_t>(s) * I);
    // Gradient before the activation, one row per sample.
    float* g = y_.data() + static_cast<std::ptrdiff_t>(s) * O;
    const float* y = out[s].data();
    const float* d = dy[s].data();
    if constexpr (std::is_same_v<A, tiny_dnn::activation::softmax>) {
      const float dy_dot_y = dot(d, y, O);
      for (int o = 0; o < O; ++o) g[o] = y[o] * (d[o] - dy_dot_y);
    } else {
      relu_backward(y, d, g, O);
    }
    for (int o = 0; o < O; ++o) db[o] += g[o];
  }
  cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, I, O, n, 1.0f, x_.data(), I, y_.data(), O, 1.0f, dw, O);
  std::vector<float>& dxs = scratch(0, static_cast<std::size_t>(n) * I);
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, I, O, 1.0f, y_.data(), O, w.data(), O, 0.0f, dxs.data(), I);
  for (int s = 0; s < n; ++s) {
    std::copy(dxs.begin() + static_cast<std::ptrdiff_t>(s) * I, dxs.begin() + static_cast<std::ptrdiff_t>(s + 1) * I,
              dx[s].begin());
  }
}

template class FastDense<tiny_dnn::activation::relu>;
template class FastDense<tiny_dnn::activation::softmax>;

// --- FastBatchNorm ----------------------------------------------------------

FastBatchNorm::FastBatchNorm(serial_size_t spatial, serial_size_t channels, float epsilon, float momentum,
                             tiny_dnn::net_phase phase)
    : tiny_dnn::layer({tiny_dnn::vector_type::data}, {tiny_dnn::vector_type::data}),
      spatial_(spatial),
      channels_(channels),
      epsilon_(epsilon),
      momentum_(momentum),
      phase_(phase),
      mean_(channels, 0.0f),
      variance_(channels, 1.0f) {}

std::vector<tiny_dnn::shape3d> FastBatchNorm::in_shape() const { return {tiny_dnn::shape3d(spatial_, 1, channels_)}; }

std::vector<tiny_dnn::shape3d> FastBatchNorm::out_shape() const { return {tiny_dnn::shape3d(spatial_, 1, channels_)}; }

void FastBatchNorm::set_statistics(std::vector<float> mean, std::vector<float> variance) {
  if (mean.size() != channels_ || variance.size() != channels_) {
    throw tiny_dnn::nn_error("batch norm: statistics for the wrong number of channels");
  }
  mean_ = std::move(mean);
  variance_ = std::move(variance);
}

void FastBatchNorm::forward_propagation(const std::vector<tensor_t*>& in_data, std::vector<tensor_t*>& out_data) {
  const tensor_t& in = *in_data[0];
  tensor_t& out = *out_data[0];
  const int n = static_cast<int>(in.size()), S = static_cast<int>(spatial_);
  const bool train = phase_ == tiny_dnn::net_phase::train;
  batch_mean_.resize(channels_);
  batch_variance_.resize(channels_);
  batch_std_.resize(channels_);
  // Channels are independent: each part normalises its own.
  parallel_ranges(static_cast<int>(channels_), [&](int begin, int end, int) {
    for (int c = begin; c < end; ++c) {
      float mean = mean_[c], variance = variance_[c];
      if (train) {
        double total = 0;
        for (int s = 0; s < n; ++s) total += sum(in[s].data() + c * S, S);
        const double count = static_cast<double>(n) * S;
        mean = static_cast<float>(total / count);
        double squares = 0;
        for (int s = 0; s < n; ++s) squares += sum_squared_deviations(in[s].data() + c * S, S, mean);
        variance = static_cast<float>(squares / std::max(1.0, count - 1));
        batch_mean_[c] = mean;
        batch_variance_[c] = variance;
      }
      const float stddev = std::sqrt(variance + epsilon_);
      batch_std_[c] = stddev;
      const float scale = 1.0f / stddev;
      for (int s = 0; s < n; ++s) {
        const float* x = in[s].data() + c * S;
        float* y = out[s].data() + c * S;
        for (int p = 0; p < S; ++p) y[p] = (x[p] - mean) * scale;
      }
    }
  });
  has_batch_ = train;
}

void FastBatchNorm::back_propagation(const std::vector<tensor_t*>&, const std::vector<tensor_t*>& out_data,
                                     std::vector<tensor_t*>& out_grad, std::vector<tensor_t*>& in_grad) {
  const tensor_t& out = *out_data[0];
  const tensor_t& dy = *out_grad[0];
  tensor_t& dx = *in_grad[0];
  const int n = static_cast<int>(out.size()), S = static_cast<int>(spatial_);
  const bool train = phase_ == tiny_dnn::net_phase::train;
  parallel_ranges(static_cast<int>(channels_), [&](int begin, int end, int) {
    for (int c = begin; c < end; ++c) {
      // dx = (dy - mean(dy) - y * sum(dy * y) / (N - 1)) / stddev in training
      // (the statistics depend on x); dy / stddev with fixed statistics.
      float mean_dy = 0, k = 0;
      if (train) {
        double total = 0, total_dot = 0;
        for (int s = 0; s < n; ++s) {
          total += sum(dy[s].data() + c * S, S);
          total_dot += dot(dy[s].data() + c * S, out[s].data() + c * S, S);
        }
        const double count = static_cast<double>(n) * S;
        mean_dy = static_cast<float>(total / count);
        k = static_cast<float>(total_dot / std::max(1.0, count - 1));
      }
      const float scale = 1.0f / batch_std_[c];
      for (int s = 0; s < n; ++s) {
        const float* g = dy[s].data() + c * S;
        const float* y = out[s].data() + c * S;
        float* d = dx[s].data() + c * S;
        for (int p = 0; p < S; ++p) d[p] = (g[p] - mean_dy - y[p] * k) * scale;
      }
    }
  });
}

void FastBatchNorm::post_update() {
  if (!has_batch_) return;
  for (std::size_t c = 0; c < channels_; ++c) {
    mean_[c] = momentum_ * mean_[c] + (1 - momentum_) * batch_mean_[c];
    variance_[c] = momentum_ * variance_[c] + (1 - momentum_) * batch_variance_[c];
  }
}

// --- FastMaxPool ------------------------------------------------------------

FastMaxPool::FastMaxPool(serial_size_t width, serial_size_t height, serial_size_t channels, serial_size_t size)
    : tiny_dnn::layer({tiny_dnn::vector_type::data}, {tiny_dnn::vector_type::data}),
      in_(width, height, channels),
      out_(width / size, height / size, channels),
      size_(size) {
  if (size == 0 || width % size != 0 || height % size != 0) {
    throw tiny_dnn::nn_error("max pool: the window must tile the input");
  }
}

void FastMaxPool::forward_propagation(const std::vector<tensor_t*>& in_data, std::vector<tensor_t*>& out_data) {
  const tensor_t& in = *in_data[0];
  tensor_t& out = *out_data[0];
  const int k = static_cast<int>(size_), iw = static_cast<int>(in_.width_), ih = static_cast<int>(in_.height_);
  const int ow = static_cast<int>(out_.width_), oh = static_cast<int>(out_.height_);
  argmax_.resize(in.size());
  parallel_ranges(static_cast<int>(in.size()), [&](int begin, int end, int) {
    for (int s = begin; s < end; ++s) {
      argmax_[s].resize(out_.size());
      const float* x = in[s].data();
      float* y = out[s].data();
      int* arg = argmax_[s].data();
      for (int c = 0; c < static_cast<int>(out_.depth_); ++c) {
        for (int oy = 0; oy < oh; ++oy) {
          for (int ox = 0; ox < ow; ++ox) {
            // The first largest value in row-major window order, as tiny-dnn picks it.
            int best = (c * ih + oy * k) * iw + ox * k;
            for (int dy = 0; dy < k; ++dy) {
              for (int dx = 0; dx < k; ++dx) {
                const int i = (c * ih + oy * k + dy) * iw + ox * k + dx;
                if (x[i] > x[best]) best = i;
              }
            }
            const int o = (c * oh + oy) * ow + ox;
            y[o] = x[best];
            arg[o] = best;
          }
        }
      }
    }
  });
}

void FastMaxPool::back_propagation(const std::vector<tensor_t*>&, const std::vector<tensor_t*>&,
                                   std::vector<tensor_t*>& out_grad, std::vector<tensor_t*>& in_grad) {
  const tensor_t& dy = *out_grad[0];
  tensor_t& dx = *in_grad[0];
  parallel_ranges(static_cast<int>(dy.size()), [&](int begin, int end, int) {
    for (int s = begin; s < end; ++s) {
      std::fill(dx[s].begin(), dx[s].end(), 0.0f);
      const int* arg = argmax_[s].data();
      for (std::size_t o = 0; o < dy[s].size(); ++o) dx[s][arg[o]] += dy[s][o];
    }
  });
}

}  // namespace digits::train
