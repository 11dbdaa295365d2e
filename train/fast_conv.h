// A 'valid' stride-1 convolution + ReLU layer for tiny-dnn whose forward and
// backward passes are matrix products (im2col + OpenBLAS sgemm) instead of
// tiny-dnn 1.0.0a3's scalar loops (its AVX kernels cover 5x5 only). Same
// parameter layout as convolutional_layer -- weights [out][in][ky][kx], then
// bias -- so weights, checkpoints and the core model are interchangeable.
#pragma once

#include <vector>

#include "tiny_dnn.h"

namespace digits::train {

class FastConv : public tiny_dnn::feedforward_layer<tiny_dnn::activation::relu> {
 public:
  using Base = tiny_dnn::feedforward_layer<tiny_dnn::activation::relu>;
  using serial_size_t = tiny_dnn::serial_size_t;

  FastConv(serial_size_t width, serial_size_t height, serial_size_t kernel, serial_size_t in_channels,
           serial_size_t out_channels);

  std::vector<tiny_dnn::shape3d> in_shape() const override;
  std::vector<tiny_dnn::shape3d> out_shape() const override;
  serial_size_t fan_in_size() const override { return kernel_ * kernel_ * in_.depth_; }
  serial_size_t fan_out_size() const override { return kernel_ * kernel_ * out_.depth_; }
  std::string layer_type() const override { return "conv"; }

  void forward_propagation(const std::vector<tiny_dnn::tensor_t*>& in_data,
                           std::vector<tiny_dnn::tensor_t*>& out_data) override;
  void back_propagation(const std::vector<tiny_dnn::tensor_t*>& in_data,
                        const std::vector<tiny_dnn::tensor_t*>& out_data, std::vector<tiny_dnn::tensor_t*>& out_grad,
                        std::vector<tiny_dnn::tensor_t*>& in_grad) override;

 private:
  void im2col(const float* in, float* col) const;
  void col2im(const float* col, float* in) const;

  tiny_dnn::shape3d in_, out_;
  serial_size_t kernel_;
};

}  // namespace digits::train
