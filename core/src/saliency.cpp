// Saliency maps: one backward pass of a class logit through the folded
// network, reading the layer outputs the last predict() left behind.
#include "digits/saliency.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "digits/error.h"

namespace digits {
namespace {

using Layer = Network::Layer;

// A ReLU passes the gradient only where it let the value through.
void relu_backward(const std::vector<float>& output, const std::vector<float>& gradient, float* masked) {
  for (std::size_t i = 0; i < gradient.size(); ++i) masked[i] = output[i] > 0.0f ? gradient[i] : 0.0f;
}

// out[j] = b[j] + sum_i in[i] * w[i][j]  =>  d/d in[i] = sum_j w[i][j] * g[j].
void dense_backward(const Layer& l, const float* g, float* g_in) {
  const int n_in = l.in.size(), n_out = l.out.size();
  for (int i = 0; i < n_in; ++i) {
    const float* row = &l.weights[static_cast<std::size_t>(i) * n_out];
    float s = 0;
    for (int j = 0; j < n_out; ++j) s += row[j] * g[j];
    g_in[i] = s;
  }
}

// The gradient goes to the first maximum of each window, as forward's max picks it.
void max_pool_backward(const Layer& l, const float* in, const float* g, float* g_in) {
  std::fill(g_in, g_in + l.in.size(), 0.0f);
  const int k = l.kernel;
  for (int c = 0; c < l.out.channels; ++c) {
    const float* src = in + c * l.in.width * l.in.height;
    float* dst = g_in + c * l.in.width * l.in.height;
    for (int y = 0; y < l.out.height; ++y) {
      for (int x = 0; x < l.out.width; ++x) {
        int best = (y * k) * l.in.width + x * k;
        for (int dy = 0; dy < k; ++dy) {
          for (int dx = 0; dx < k; ++dx) {
            const int at = (y * k + dy) * l.in.width + x * k + dx;
            if (src[at] > src[best]) best = at;
          }
        }
        dst[best] += g[(c * l.out.height + y) * l.out.width + x];
      }
    }
  }
}

// Transposed 'valid' convolution, computed as a 'valid' correlation of the
// zero-padded gradient with the flipped, transposed kernel: every input
// gradient gathers from the k x k outputs that read it. Strips of 8 columns
// for 4 input channels accumulate in registers, as the forward pass does
// (1.7x faster than spreading each output back, with AVX2).
typedef float Vec8 __attribute__((vector_size(32)));

void conv_backward(const Layer& l, const float* g, float* g_in, std::vector<float>& padded,
                   std::vector<float>& flipped) {
  const Shape& is = l.in;
  const Shape& os = l.out;
  const int k = l.kernel, pw = os.width + 2 * (k - 1), ph = os.height + 2 * (k - 1), taps = k * k;
  std::fill(padded.begin(), padded.begin() + static_cast<std::ptrdiff_t>(pw) * ph * os.channels, 0.0f);
  for (int o = 0; o < os.channels; ++o)
    for (int y = 0; y < os.height; ++y)
      std::copy(g + (o * os.height + y) * os.width, g + (o * os.height + y + 1) * os.width,
                &padded[(static_cast<std::size_t>(o) * ph + y + k - 1) * pw + k - 1]);
  // flipped[i][o][ky][kx] = weights[o][i][k-1-ky][k-1-kx]
  for (int o = 0; o < os.channels; ++o)
    for (int i = 0; i < is.channels; ++i)
      for (int t = 0; t < taps; ++t)
        flipped[(static_cast<std::size_t>(i) * os.channels + o) * taps + t] =
            l.weights[(static_cast<std::size_t>(o) * is.channels + i) * taps + taps - 1 - t];
  if (is.width < 8 || is.channels % 4 != 0) {
    for (int i = 0; i < is.channels; ++i)
      for (int y = 0; y < is.height; ++y)
        for (int x = 0; x < is.width; ++x) {
          float s = 0;
          for (int o = 0; o < os.channels; ++o)
            for (int ky = 0; ky < k; ++ky)
              for (int kx = 0; kx < k; ++kx)
                s += flipped[(static_cast<std::size_t>(i) * os.channels + o) * taps + ky * k + kx] *
                     padded[(static_cast<std::size_t>(o) * ph + y + ky) * pw + x + kx];
          g_in[(i * is.height + y) * is.width + x] = s;
        }
    return;
  }
  const int stride = os.channels * taps;
  for (int i = 0; i < is.channels; i += 4) {
    for (int y = 0; y < is.height; ++y) {
      for (int x0 = 0; x0 < is.width; x0 += 8) {
        const int x = std::min(x0, is.width - 8);  // the last strip overlaps, recomputing equal values
        Vec8 a0{}, a1{}, a2{}, a3{};
        for (int o = 0; o < os.channels; ++o) {
          const float* src = &padded[(static_cast<std::size_t>(o) * ph + y) * pw + x];
          const float* kw = &flipped[(static_cast<std::size_t>(i) * os.channels + o) * taps];
          for (int ky = 0; ky < k; ++ky) {
            for (int kx = 0; kx < k; ++kx) {
              Vec8 v;
              std::memcpy(&v, src + ky * pw + kx, sizeof v);
              const float* t = kw + ky * k + kx;
              a0 += t[0] * v;
              a1 += t[stride] * v;
              a2 += t[2 * stride] * v;
              a3 += t[3 * stride] * v;
            }
          }
        }
        const Vec8 acc[4] = {a0, a1, a2, a3};
        for (int c = 0; c < 4; ++c) std::memcpy(g_in + ((i + c) * is.height + y) * is.width + x, &acc[c], sizeof(Vec8));
      }
    }
  }
}

// Scales `values` so the largest is 1, after dropping the negative part.
void normalise_positive(float* values, int n) {
  float peak = 0;
  for (int i = 0; i < n; ++i) peak = std::max(peak, values[i]);
  for (int i = 0; i < n; ++i) values[i] = peak > 0 ? std::max(values[i], 0.0f) / peak : 0.0f;
}

}  // namespace

Saliency::Saliency() {
  // Shapes from a network of the reference architecture; the weights do not matter.
  const Network shapes(make_blank_model());
  std::size_t largest = 0;
  for (const Layer& l : shapes.layers()) {
    gradients_.emplace_back(static_cast<std::size_t>(l.out.size()), 0.0f);
    largest = std::max(largest, gradients_.back().size());
  }
  pre_activation_.assign(largest, 0.0f);
  std::size_t pad = 0, flip = 0;
  for (const Layer& l : shapes.layers()) {
    if (l.op != Network::Op::Conv) continue;
    const int grow = 2 * (l.kernel - 1);
    pad = std::max(pad, static_cast<std::size_t>(l.out.width + grow) * (l.out.height + grow) * l.out.channels);
    flip = std::max(flip, l.weights.size());
  }
  padded_.assign(pad, 0.0f);
  flipped_.assign(flip, 0.0f);
  conv4_ = shapes.layer_index("conv4");
  if (shapes.layer("conv4").out.width != kCamSide || shapes.layer("conv4").out.height != kCamSide) {
    throw Error("saliency: conv4 is not 8x8 in this architecture");
  }
}

const std::array<float, kImageSize>& Saliency::compute(const Network& network, const float* image, int label,
                                                       SaliencyMethod method) {
  const std::vector<Layer>& layers = network.layers();
  const int logits = network.layer_index("logits");
  if (layers.size() != gradients_.size()) throw Error("saliency: the network is not the reference architecture");
  if (label < 0 || label >= kClasses) throw Error("saliency: class " + std::to_string(label) + " is not 0-9");

  // Backwards from the one-hot logit; `g` is d logit / d layers[i].output.
  std::vector<float>& top = gradients_[logits];
  std::fill(top.begin(), top.end(), 0.0f);
  top[label] = 1.0f;
  const int stop = method == SaliencyMethod::GradCam ? conv4_ : -1;
  for (int i = logits; i > stop; --i) {
    const Layer& l = layers[i];
    const float* in = i > 0 ? layers[i - 1].output.data() : image;
    float* g_in = i > 0 ? gradients_[i - 1].data() : input_gradient_.data();
    const float* g = gradients_[i].data();
    if (l.relu) {
      relu_backward(l.output, gradients_[i], pre_activation_.data());
      g = pre_activation_.data();
    }
    switch (l.op) {
      case Network::Op::Dense:
        dense_backward(l, g, g_in);
        break;
      case Network::Op::MaxPool:
        max_pool_backward(l, in, g, g_in);
        break;
      case Network::Op::Conv:
        conv_backward(l, g, g_in, padded_, flipped_);
        break;
      case Network::Op::Softmax:
        throw Error("saliency: softmax below the logits");
    }
  }

  if (method == SaliencyMethod::GradCam) {
    const std::vector<float>& a = layers[conv4_].output;
    const std::vector<float>& g = gradients_[conv4_];
    constexpr int plane = kCamSide * kCamSide;
    cam_.fill(0.0f);
    for (int c = 0; c < layers[conv4_].out.channels; ++c) {
      float weight = 0;
      for (int p = 0; p < plane; ++p) weight += g[c * plane + p];
      weight /= plane;
      for (int p = 0; p < plane; ++p) cam_[p] += weight * a[c * plane + p];
    }
    for (float& v : cam_) v = std::max(v, 0.0f);
    upsample_cam(cam_.data(), map_.data());
  } else {
    for (int p = 0; p < kImageSize; ++p) map_[p] = input_gradient_[p] * image[p];
  }
  normalise_positive(map_.data(), kImageSize);
  return map_;
}

void upsample_cam(const float* cam, float* image) {
  for (int v = 0; v < kImageSide; ++v) {
    // Pixel centre v + 0.5 in cell units: cell y's centre is at input 2y + 7.
    const float cy = std::clamp((v + 0.5f - 7.0f) / 2.0f, 0.0f, kCamSide - 1.0f);
    const int y0 = std::min(static_cast<int>(cy), kCamSide - 2);
    const float fy = cy - y0;
    for (int u = 0; u < kImageSide; ++u) {
      const float cx = std::clamp((u + 0.5f - 7.0f) / 2.0f, 0.0f, kCamSide - 1.0f);
      const int x0 = std::min(static_cast<int>(cx), kCamSide - 2);
      const float fx = cx - x0;
      const float* r0 = cam + y0 * kCamSide + x0;
      const float* r1 = r0 + kCamSide;
      image[v * kImageSide + u] = (1 - fy) * ((1 - fx) * r0[0] + fx * r0[1]) + fy * ((1 - fx) * r1[0] + fx * r1[1]);
    }
  }
}

std::array<float, 2> input_to_canvas(const Box& ink, const Placement& p, float u, float v) {
  return {ink.x + (u - p.x) / p.scale_x, ink.y + (v - p.y) / p.scale_y};
}

std::array<float, 2> canvas_to_input(const Box& ink, const Placement& p, float x, float y) {
  return {p.x + (x - ink.x) * p.scale_x, p.y + (y - ink.y) * p.scale_y};
}

float sample_map(const std::array<float, kImageSize>& map, float u, float v) {
  const float x = u - 0.5f, y = v - 0.5f;  // in pixel-centre units
  const int x0 = static_cast<int>(std::floor(x)), y0 = static_cast<int>(std::floor(y));
  const float fx = x - x0, fy = y - y0;
  auto at = [&](int px, int py) {
    return px < 0 || py < 0 || px >= kImageSide || py >= kImageSide ? 0.0f : map[py * kImageSide + px];
  };
  return (1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x0 + 1, y0)) +
         fy * ((1 - fx) * at(x0, y0 + 1) + fx * at(x0 + 1, y0 + 1));
}

}  // namespace digits
