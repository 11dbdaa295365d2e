// im2col convolution: Y[out][P] = W[out][K] * col[K][P] + b, with
// K = in*k*k and P = out_w*out_h; gradients are the transposed products.
#include "fast_conv.h"

#include <cblas.h>

#include <algorithm>

namespace digits::train {
namespace {

// Each sample runs on its own tiny-dnn worker thread; BLAS must not spawn more.
struct SingleThreadedBlas {
  SingleThreadedBlas() { openblas_set_num_threads(1); }
};
const SingleThreadedBlas single_threaded_blas;

std::vector<float>& scratch(int which, std::size_t size) {
  thread_local std::vector<float> buffers[2];
  if (buffers[which].size() < size) buffers[which].resize(size);
  return buffers[which];
}

}  // namespace

FastConv::FastConv(serial_size_t width, serial_size_t height, serial_size_t kernel, serial_size_t in_channels,
                   serial_size_t out_channels)
    : Base(tiny_dnn::std_input_order(true)),
      in_(width, height, in_channels),
      out_(width - kernel + 1, height - kernel + 1, out_channels),
      kernel_(kernel) {}

std::vector<tiny_dnn::shape3d> FastConv::in_shape() const {
  return {in_, tiny_dnn::shape3d(kernel_, kernel_, in_.depth_ * out_.depth_), tiny_dnn::shape3d(1, 1, out_.depth_)};
}

std::vector<tiny_dnn::shape3d> FastConv::out_shape() const { return {out_, out_}; }

void FastConv::im2col(const float* in, float* col) const {
  const int k = static_cast<int>(kernel_), ow = static_cast<int>(out_.width_), oh = static_cast<int>(out_.height_);
  const int iw = static_cast<int>(in_.width_), ih = static_cast<int>(in_.height_);
  for (int c = 0; c < static_cast<int>(in_.depth_); ++c) {
    for (int ky = 0; ky < k; ++ky) {
      for (int kx = 0; kx < k; ++kx) {
        const float* src = in + (c * ih + ky) * iw + kx;
        for (int y = 0; y < oh; ++y) col = std::copy(src + y * iw, src + y * iw + ow, col);
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

void FastConv::forward_propagation(const std::vector<tiny_dnn::tensor_t*>& in_data,
                                   std::vector<tiny_dnn::tensor_t*>& out_data) {
  const tiny_dnn::tensor_t& in = *in_data[0];
  const tiny_dnn::vec_t& w = (*in_data[1])[0];
  const tiny_dnn::vec_t& b = (*in_data[2])[0];
  tiny_dnn::tensor_t& pre = *out_data[1];
  const int K = static_cast<int>(in_.depth_ * kernel_ * kernel_), P = static_cast<int>(out_.area()),
            O = static_cast<int>(out_.depth_);
  tiny_dnn::for_i(parallelize(), in.size(), [&](int s) {
    std::vector<float>& col = scratch(0, static_cast<std::size_t>(K) * P);
    im2col(in[s].data(), col.data());
    float* y = pre[s].data();
    for (int o = 0; o < O; ++o) std::fill(y + o * P, y + (o + 1) * P, b[o]);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, O, P, K, 1.0f, w.data(), K, col.data(), P, 1.0f, y, P);
  });
  forward_activation(*out_data[0], *out_data[1]);
}

void FastConv::back_propagation(const std::vector<tiny_dnn::tensor_t*>& in_data,
                                const std::vector<tiny_dnn::tensor_t*>& out_data,
                                std::vector<tiny_dnn::tensor_t*>& out_grad, std::vector<tiny_dnn::tensor_t*>& in_grad) {
  // Gradient through the ReLU into out_grad[1] (pre-activation).
  backward_activation(*out_grad[0], *out_data[0], *out_grad[1]);
  const tiny_dnn::tensor_t& in = *in_data[0];
  const tiny_dnn::vec_t& w = (*in_data[1])[0];
  const tiny_dnn::tensor_t& dy = *out_grad[1];
  tiny_dnn::tensor_t& dx = *in_grad[0];
  tiny_dnn::tensor_t& dw = *in_grad[1];
  tiny_dnn::tensor_t& db = *in_grad[2];
  const int K = static_cast<int>(in_.depth_ * kernel_ * kernel_), P = static_cast<int>(out_.area()),
            O = static_cast<int>(out_.depth_);
  tiny_dnn::for_i(parallelize(), in.size(), [&](int s) {
    std::vector<float>& col = scratch(0, static_cast<std::size_t>(K) * P);
    std::vector<float>& dcol = scratch(1, static_cast<std::size_t>(K) * P);
    im2col(in[s].data(), col.data());
    const float* g = dy[s].data();
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, O, K, P, 1.0f, g, P, col.data(), P, 1.0f, dw[s].data(), K);
    for (int o = 0; o < O; ++o) {
      float sum = 0;
      for (int p = 0; p < P; ++p) sum += g[o * P + p];
      db[s][o] += sum;
    }
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, K, P, O, 1.0f, w.data(), K, g, P, 0.0f, dcol.data(), P);
    col2im(dcol.data(), dx[s].data());
  });
}

}  // namespace digits::train
