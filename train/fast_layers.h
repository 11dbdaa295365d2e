// tiny-dnn layers whose forward and backward passes work on the whole batch,
// replacing tiny-dnn 1.0.0a3's per-sample scalar loops (its AVX kernels cover
// 5x5 convolutions only) and its threads-started-per-call parallel loops:
//
//   FastConv       'valid' stride-1 convolution + ReLU as im2col + sgemm
//   FastDense<A>   fully connected layer as three sgemm over the batch
//   FastBatchNorm  batch normalisation (no scale/shift, as tiny-dnn's)
//   FastMaxPool    non-overlapping max pooling
//
// Each keeps its stock counterpart's parameter layout and layer type, so
// weights move between the two freely; tests/train/fast_layers_test.cpp checks
// every one against the stock layer and against finite differences. Work is
// split over samples (or channels) on ThreadPool::shared(), BLAS runs
// single-threaded inside each part, and weight gradients are summed over the
// batch into a single sample (tiny-dnn keeps one copy per sample and sums
// them after every batch).
#pragma once

#include <vector>

#include "tiny_dnn.h"

namespace digits::train {

using tiny_dnn::serial_size_t;
using tiny_dnn::tensor_t;

class FastConv : public tiny_dnn::feedforward_layer<tiny_dnn::activation::relu> {
 public:
  using Base = tiny_dnn::feedforward_layer<tiny_dnn::activation::relu>;

  // `input_gradient` false skips computing the gradient for the layer's input
  // (the first layer's input is the image: nothing consumes it).
  FastConv(serial_size_t width, serial_size_t height, serial_size_t kernel, serial_size_t in_channels,
           serial_size_t out_channels, bool input_gradient = true);

  std::vector<tiny_dnn::shape3d> in_shape() const override;
  std::vector<tiny_dnn::shape3d> out_shape() const override;
  serial_size_t fan_in_size() const override { return kernel_ * kernel_ * in_.depth_; }
  serial_size_t fan_out_size() const override { return kernel_ * kernel_ * out_.depth_; }
  std::string layer_type() const override { return "conv"; }
  void set_sample_count(serial_size_t samples) override;

  void forward_propagation(const std::vector<tensor_t*>& in_data, std::vector<tensor_t*>& out_data) override;
  void back_propagation(const std::vector<tensor_t*>& in_data, const std::vector<tensor_t*>& out_data,
                        std::vector<tensor_t*>& out_grad, std::vector<tensor_t*>& in_grad) override;

 private:
  void im2col(const float* in, float* col) const;
  void col2im(const float* col, float* in) const;

  tiny_dnn::shape3d in_, out_;
  serial_size_t kernel_;
  bool input_gradient_;
  std::vector<std::vector<float>> partial_;  // per-part weight+bias gradients
};

template <class ActivationFunction>
class FastDense : public tiny_dnn::feedforward_layer<ActivationFunction> {
 public:
  using Base = tiny_dnn::feedforward_layer<ActivationFunction>;

  FastDense(serial_size_t in_size, serial_size_t out_size);

  std::vector<tiny_dnn::shape3d> in_shape() const override;
  std::vector<tiny_dnn::shape3d> out_shape() const override;
  serial_size_t fan_in_size() const override { return in_size_; }
  serial_size_t fan_out_size() const override { return out_size_; }
  std::string layer_type() const override { return "fully-connected"; }
  void set_sample_count(serial_size_t samples) override;

  void forward_propagation(const std::vector<tensor_t*>& in_data, std::vector<tensor_t*>& out_data) override;
  void back_propagation(const std::vector<tensor_t*>& in_data, const std::vector<tensor_t*>& out_data,
                        std::vector<tensor_t*>& out_grad, std::vector<tensor_t*>& in_grad) override;

 private:
  serial_size_t in_size_, out_size_;
  std::vector<float> x_, y_;  // the batch as contiguous rows
};

using FastDenseRelu = FastDense<tiny_dnn::activation::relu>;
using FastDenseSoftmax = FastDense<tiny_dnn::activation::softmax>;

// Normalises each channel by the batch's mean and (unbiased, as tiny-dnn)
// variance in training and by running averages in test. Unlike tiny-dnn's
// layer, the backward pass is the exact gradient of that forward pass
// (tiny-dnn divides one term by N where the unbiased variance needs N - 1).
class FastBatchNorm : public tiny_dnn::layer {
 public:
  FastBatchNorm(serial_size_t spatial, serial_size_t channels, float epsilon, float momentum,
                tiny_dnn::net_phase phase = tiny_dnn::net_phase::train);

  std::vector<tiny_dnn::shape3d> in_shape() const override;
  std::vector<tiny_dnn::shape3d> out_shape() const override;
  serial_size_t fan_in_size() const override { return 1; }
  serial_size_t fan_out_size() const override { return 1; }
  std::string layer_type() const override { return "batch-norm"; }
  void set_context(tiny_dnn::net_phase phase) override { phase_ = phase; }
  void post_update() override;

  void forward_propagation(const std::vector<tensor_t*>& in_data, std::vector<tensor_t*>& out_data) override;
  void back_propagation(const std::vector<tensor_t*>& in_data, const std::vector<tensor_t*>& out_data,
                        std::vector<tensor_t*>& out_grad, std::vector<tensor_t*>& in_grad) override;

  const std::vector<float>& mean() const { return mean_; }
  const std::vector<float>& variance() const { return variance_; }
  void set_statistics(std::vector<float> mean, std::vector<float> variance);

 private:
  serial_size_t spatial_, channels_;
  float epsilon_, momentum_;
  tiny_dnn::net_phase phase_;
  std::vector<float> mean_, variance_;                          // running averages
  std::vector<float> batch_mean_, batch_variance_, batch_std_;  // this batch's
  bool has_batch_ = false;                                      // statistics of a training batch, for post_update()
};

class FastMaxPool : public tiny_dnn::layer {
 public:
  FastMaxPool(serial_size_t width, serial_size_t height, serial_size_t channels, serial_size_t size);

  std::vector<tiny_dnn::shape3d> in_shape() const override { return {in_}; }
  std::vector<tiny_dnn::shape3d> out_shape() const override { return {out_}; }
  std::string layer_type() const override { return "max-pool"; }

  void forward_propagation(const std::vector<tensor_t*>& in_data, std::vector<tensor_t*>& out_data) override;
  void back_propagation(const std::vector<tensor_t*>& in_data, const std::vector<tensor_t*>& out_data,
                        std::vector<tensor_t*>& out_grad, std::vector<tensor_t*>& in_grad) override;

 private:
  tiny_dnn::shape3d in_, out_;
  serial_size_t size_;
  std::vector<std::vector<int>> argmax_;  // per sample: input index of each output
};

}  // namespace digits::train
