// Forward pass of the reference CNN on one image.
#include "digits/inference.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "digits/error.h"

// The convolutions are the hot loops: on x86-64 GCC also builds an
// AVX2 + FMA copy of them (x86-64-v3) and picks it at load time where the CPU
// has it (8 fused multiply-adds a step instead of SSE2's 4 multiplies and 4
// adds); the binary still runs on any x86-64. This file is compiled with
// -ffp-contract=fast so that `a += w * v` becomes one FMA.
// (Not under ThreadSanitizer: its instrumented ifunc resolvers run before it starts.)
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_THREAD__)
#define DIGITS_HOT_LOOP __attribute__((target_clones("arch=x86-64-v3", "default")))
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
typedef int Mask8 __attribute__((vector_size(32)));

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
        Vec8 acc[kBlock] = {a0, a1, a2, a3};
        for (int c = 0; c < kBlock; ++c) {
          // std::max(a, 0.0f) lane by lane as whole vectors (a lane at a time
          // is a lane extract and a store each in WebAssembly).
          if (relu) acc[c] = (Vec8)((Mask8)acc[c] & ~(acc[c] < Vec8{}));
          std::memcpy(out + (o + c) * plane + y * os.width + x, &acc[c], sizeof acc[c]);
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

// ---- Winograd F(2x2, 3x3) and F(4x4, 3x3) ----
// A 3x3 convolution computed per 2x2 block of outputs from a 4x4 block of
// inputs with 16 multiplies per input/output channel pair instead of 36
// (Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks", 2015):
// Y = A^T [(G g G^T) . (B^T d B)] A. The kernel transform G g G^T is made
// once from the weights; per image the inputs are transformed (B^T d B), the
// 16 element-wise products summed over input channels become 16 small matrix
// products, and the output transform (A^T m A) adds bias and ReLU. Every
// transform uses only 0, +-1 and +-1/2, so the result matches the direct
// convolution to float rounding.
// Where the output's sides divide by 4, F(4x4, 3x3) makes each 4x4 block of
// outputs from a 6x6 block of inputs with 36 multiplies instead of 144: the
// products (most of the work) shrink by 44%. Its transforms use 4, 5, 8 and
// the kernel's 1/6, 1/12, 1/24 (made in double), so its rounding differs
// from the direct convolution's by a few float ulps of the layer's range
// (tests/core/kernels_test.cpp holds every layer to 1e-5 of it).

// The matrix products run on the widest vector the target has: 8 floats
// (AVX2 on x86, two SSE registers in the fallback), 4 in WebAssembly, whose
// engines have 16 vector registers for the 4 x 2 accumulators.
#if defined(__wasm_simd128__)
typedef float VecW __attribute__((vector_size(16)));
#else
typedef float VecW __attribute__((vector_size(32)));
#endif
constexpr int kLanes = static_cast<int>(sizeof(VecW) / sizeof(float));
constexpr int kTileBlock = 4;           // 2x2 output tiles per micro-kernel step
constexpr int kOutBlock = 2 * kLanes;   // output channels per micro-kernel step
constexpr int kWinogradElements = 16;   // 4x4 transformed values per F(2x2, 3x3) tile
constexpr int kWinograd4Elements = 36;  // 6x6 per F(4x4, 3x3) tile

// G g G^T for every (output, input) channel pair, stored [element][in][out]
// so the matrix product reads output channels contiguously.
void winograd_kernels(const float* w, int in_channels, int out_channels, float* u) {
  for (int o = 0; o < out_channels; ++o) {
    for (int i = 0; i < in_channels; ++i) {
      const float* g = w + (o * in_channels + i) * 9;
      float t[4][3];  // G g
      for (int c = 0; c < 3; ++c) {
        t[0][c] = g[c];
        t[1][c] = 0.5f * (g[c] + g[3 + c] + g[6 + c]);
        t[2][c] = 0.5f * (g[c] - g[3 + c] + g[6 + c]);
        t[3][c] = g[6 + c];
      }
      for (int r = 0; r < 4; ++r) {
        const float row[4] = {t[r][0], 0.5f * (t[r][0] + t[r][1] + t[r][2]), 0.5f * (t[r][0] - t[r][1] + t[r][2]),
                              t[r][2]};
        for (int c = 0; c < 4; ++c) u[((r * 4 + c) * in_channels + i) * out_channels + o] = row[c];
      }
    }
  }
}

// G g G^T of F(4x4, 3x3) (6x6 per channel pair, same layout), in double.
void winograd4_kernels(const float* w, int in_channels, int out_channels, float* u) {
  auto g_times = [](const double* g, int stride, double* h) {  // G (6x3) times a column of 3
    const double g0 = g[0], g1 = g[stride], g2 = g[2 * stride];
    h[0] = g0 / 4;
    h[1] = -(g0 + g1 + g2) / 6;
    h[2] = -(g0 - g1 + g2) / 6;
    h[3] = g0 / 24 + g1 / 12 + g2 / 6;
    h[4] = g0 / 24 - g1 / 12 + g2 / 6;
    h[5] = g2;
  };
  for (int o = 0; o < out_channels; ++o) {
    for (int i = 0; i < in_channels; ++i) {
      double g[9], t[6][3], h[6];
      for (int j = 0; j < 9; ++j) g[j] = w[(o * in_channels + i) * 9 + j];
      for (int c = 0; c < 3; ++c) {
        g_times(g + c, 3, h);
        for (int r = 0; r < 6; ++r) t[r][c] = h[r];
      }
      for (int r = 0; r < 6; ++r) {
        g_times(t[r], 1, h);
        for (int c = 0; c < 6; ++c) u[((r * 6 + c) * in_channels + i) * out_channels + o] = static_cast<float>(h[c]);
      }
    }
  }
}

// The transforms work on channels-last copies ([y][x][channel]), so one
// vector holds the same pixel of kLanes channels and every add of the
// transforms serves kLanes channels at once.
// Both are transposes of a channels x pixels matrix, made of 4x4 blocks
// transposed in registers (shuffles) where both sides divide by 4.
typedef float Vec4 __attribute__((vector_size(16)));

void transpose_4x4(const float* src, int src_stride, float* dst, int dst_stride) {
  Vec4 r0, r1, r2, r3;
  std::memcpy(&r0, src, sizeof r0);
  std::memcpy(&r1, src + src_stride, sizeof r1);
  std::memcpy(&r2, src + 2 * src_stride, sizeof r2);
  std::memcpy(&r3, src + 3 * src_stride, sizeof r3);
  const Vec4 t0 = __builtin_shufflevector(r0, r1, 0, 4, 1, 5), t1 = __builtin_shufflevector(r0, r1, 2, 6, 3, 7);
  const Vec4 t2 = __builtin_shufflevector(r2, r3, 0, 4, 1, 5), t3 = __builtin_shufflevector(r2, r3, 2, 6, 3, 7);
  const Vec4 c0 = __builtin_shufflevector(t0, t2, 0, 1, 4, 5), c1 = __builtin_shufflevector(t0, t2, 2, 3, 6, 7);
  const Vec4 c2 = __builtin_shufflevector(t1, t3, 0, 1, 4, 5), c3 = __builtin_shufflevector(t1, t3, 2, 3, 6, 7);
  std::memcpy(dst, &c0, sizeof c0);
  std::memcpy(dst + dst_stride, &c1, sizeof c1);
  std::memcpy(dst + 2 * dst_stride, &c2, sizeof c2);
  std::memcpy(dst + 3 * dst_stride, &c3, sizeof c3);
}

// Row r of `src` (`rows` x `cols`) becomes column r of `dst`.
void transpose(const float* src, int rows, int cols, float* dst) {
  if (rows % 4 == 0 && cols % 4 == 0) {
    for (int r = 0; r < rows; r += 4) {
      for (int c = 0; c < cols; c += 4) transpose_4x4(src + r * cols + c, cols, dst + c * rows + r, rows);
    }
    return;
  }
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) dst[c * rows + r] = src[r * cols + c];
  }
}

void to_channels_last(const float* chw, int channels, int pixels, float* hwc) { transpose(chw, channels, pixels, hwc); }

void to_channels_first(const float* hwc, int channels, int pixels, float* chw) {
  transpose(hwc, pixels, channels, chw);
}

// (By reference: a vector returned by value would change the ABI between clones.)
void load(VecW& v, const float* p) { std::memcpy(&v, p, sizeof v); }

void store(float* p, const VecW& v) { std::memcpy(p, &v, sizeof v); }

// B^T d B of every 4x4 input block (stride 2) of a channels-last input,
// stored [element][tile][in].
DIGITS_HOT_LOOP void winograd_inputs(const float* hwc, const Shape& is, int tiles_x, int tiles_y, int tile_stride,
                                     float* v) {
  const int channels = is.channels, row = is.width * channels, element_stride = tile_stride * channels;
  for (int ty = 0; ty < tiles_y; ++ty) {
    for (int tx = 0; tx < tiles_x; ++tx) {
      const float* src = hwc + 2 * ty * row + 2 * tx * channels;
      float* dst = v + (ty * tiles_x + tx) * channels;
      for (int i = 0; i < channels; i += kLanes) {
        VecW t[4][4];  // d B, row by row
        for (int r = 0; r < 4; ++r) {
          const float* p = src + r * row + i;
          VecW d0, d1, d2, d3;
          load(d0, p);
          load(d1, p + channels);
          load(d2, p + 2 * channels);
          load(d3, p + 3 * channels);
          t[r][0] = d0 - d2;
          t[r][1] = d1 + d2;
          t[r][2] = d2 - d1;
          t[r][3] = d1 - d3;
        }
        for (int c = 0; c < 4; ++c) {
          store(dst + (0 * 4 + c) * element_stride + i, t[0][c] - t[2][c]);
          store(dst + (1 * 4 + c) * element_stride + i, t[1][c] + t[2][c]);
          store(dst + (2 * 4 + c) * element_stride + i, t[2][c] - t[1][c]);
          store(dst + (3 * 4 + c) * element_stride + i, t[1][c] - t[3][c]);
        }
      }
    }
  }
}

// B^T x of F(4x4, 3x3) for six vectors.
void winograd4_input_row(const VecW* x, VecW* y) {
  const VecW four = VecW{} + 4.0f, five = VecW{} + 5.0f, two = VecW{} + 2.0f;
  y[0] = four * x[0] - five * x[2] + x[4];
  y[1] = x[3] + x[4] - four * (x[1] + x[2]);
  y[2] = four * (x[1] - x[2]) - x[3] + x[4];
  y[3] = two * (x[3] - x[1]) - x[2] + x[4];
  y[4] = two * (x[1] - x[3]) - x[2] + x[4];
  y[5] = four * x[1] - five * x[3] + x[5];
}

// B^T d B of every 6x6 input block (stride 4), stored [element][tile][in].
DIGITS_HOT_LOOP void winograd4_inputs(const float* hwc, const Shape& is, int tiles_x, int tiles_y, int tile_stride,
                                      float* v) {
  const int channels = is.channels, row = is.width * channels, element_stride = tile_stride * channels;
  for (int ty = 0; ty < tiles_y; ++ty) {
    for (int tx = 0; tx < tiles_x; ++tx) {
      const float* src = hwc + 4 * ty * row + 4 * tx * channels;
      float* dst = v + (ty * tiles_x + tx) * channels;
      for (int i = 0; i < channels; i += kLanes) {
        VecW t[6][6];  // B^T d, column by column
        for (int c = 0; c < 6; ++c) {
          VecW d[6];
          for (int r = 0; r < 6; ++r) load(d[r], src + r * row + c * channels + i);
          winograd4_input_row(d, t[c]);
        }
        for (int r = 0; r < 6; ++r) {
          VecW d[6], e[6];
          for (int c = 0; c < 6; ++c) d[c] = t[c][r];
          winograd4_input_row(d, e);
          for (int c = 0; c < 6; ++c) store(dst + (r * 6 + c) * element_stride + i, e[c]);
        }
      }
    }
  }
}

// For each element: m[tile][out] = sum over in of v[tile][in] * u[in][out].
// 4 tiles x 2 vectors of output channels accumulate in registers; one
// broadcast input feeds 2 multiply-adds, one loaded weight vector 4.
DIGITS_HOT_LOOP void winograd_products(const float* v, const float* u, float* m, int elements, int tiles,
                                       int in_channels, int out_channels) {
  for (int e = 0; e < elements; ++e) {
    const float* ve = v + e * tiles * in_channels;
    const float* ue = u + e * in_channels * out_channels;
    float* me = m + e * tiles * out_channels;
    for (int t = 0; t < tiles; t += kTileBlock) {
      for (int o = 0; o < out_channels; o += kOutBlock) {
        VecW acc[kTileBlock][2] = {};
        for (int i = 0; i < in_channels; ++i) {
          VecW w0, w1;
          std::memcpy(&w0, ue + i * out_channels + o, sizeof w0);
          std::memcpy(&w1, ue + i * out_channels + o + kLanes, sizeof w1);
          for (int k = 0; k < kTileBlock; ++k) {
            const float x = ve[(t + k) * in_channels + i];
            acc[k][0] += x * w0;
            acc[k][1] += x * w1;
          }
        }
        for (int k = 0; k < kTileBlock; ++k) {
          std::memcpy(me + (t + k) * out_channels + o, &acc[k][0], sizeof(VecW));
          std::memcpy(me + (t + k) * out_channels + o + kLanes, &acc[k][1], sizeof(VecW));
        }
      }
    }
  }
}

// A^T m A for every tile and output channel, plus bias and ReLU, into a
// channels-last output.
DIGITS_HOT_LOOP void winograd_outputs(const float* m, const Shape& os, int tiles_x, int tiles_y, int tile_stride,
                                      const float* b, bool relu, float* hwc) {
  typedef int VecI __attribute__((vector_size(sizeof(VecW))));
  const int channels = os.channels, row = os.width * channels, element_stride = tile_stride * channels;
  for (int ty = 0; ty < tiles_y; ++ty) {
    for (int tx = 0; tx < tiles_x; ++tx) {
      const float* src = m + (ty * tiles_x + tx) * channels;
      float* dst = hwc + 2 * ty * row + 2 * tx * channels;
      for (int o = 0; o < channels; o += kLanes) {
        VecW s[2][4];  // A^T m
        for (int c = 0; c < 4; ++c) {
          VecW m0, m1, m2, m3;
          load(m0, src + (0 * 4 + c) * element_stride + o);
          load(m1, src + (1 * 4 + c) * element_stride + o);
          load(m2, src + (2 * 4 + c) * element_stride + o);
          load(m3, src + (3 * 4 + c) * element_stride + o);
          s[0][c] = m0 + m1 + m2;
          s[1][c] = m1 - m2 - m3;
        }
        VecW bias;
        load(bias, b + o);
        for (int r = 0; r < 2; ++r) {
          VecW y0 = bias + s[r][0] + s[r][1] + s[r][2], y1 = bias + s[r][1] - s[r][2] - s[r][3];
          if (relu) {  // keep the lanes above zero (a compare mask, portable to every vector target)
            y0 = (VecW)((VecI)y0 & (VecI)(y0 > VecW{}));
            y1 = (VecW)((VecI)y1 & (VecI)(y1 > VecW{}));
          }
          store(dst + r * row + o, y0);
          store(dst + r * row + channels + o, y1);
        }
      }
    }
  }
}

// A^T x of F(4x4, 3x3) for six vectors.
void winograd4_output_row(const VecW* x, VecW* y) {
  const VecW two = VecW{} + 2.0f, four = VecW{} + 4.0f, eight = VecW{} + 8.0f;
  const VecW sum12 = x[1] + x[2], diff12 = x[1] - x[2], sum34 = x[3] + x[4], diff34 = x[3] - x[4];
  y[0] = x[0] + sum12 + sum34;
  y[1] = diff12 + two * diff34;
  y[2] = sum12 + four * sum34;
  y[3] = diff12 + eight * diff34 + x[5];
}

// A^T m A of F(4x4, 3x3) for every tile and output channel, plus bias and
// ReLU, into a channels-last output.
DIGITS_HOT_LOOP void winograd4_outputs(const float* m, const Shape& os, int tiles_x, int tiles_y, int tile_stride,
                                       const float* b, bool relu, float* hwc) {
  typedef int VecI __attribute__((vector_size(sizeof(VecW))));
  const int channels = os.channels, row = os.width * channels, element_stride = tile_stride * channels;
  for (int ty = 0; ty < tiles_y; ++ty) {
    for (int tx = 0; tx < tiles_x; ++tx) {
      const float* src = m + (ty * tiles_x + tx) * channels;
      float* dst = hwc + 4 * ty * row + 4 * tx * channels;
      for (int o = 0; o < channels; o += kLanes) {
        VecW s[6][4];  // A^T m, column by column
        for (int c = 0; c < 6; ++c) {
          VecW x[6];
          for (int r = 0; r < 6; ++r) load(x[r], src + (r * 6 + c) * element_stride + o);
          winograd4_output_row(x, s[c]);
        }
        VecW bias;
        load(bias, b + o);
        for (int r = 0; r < 4; ++r) {
          VecW x[6], y[4];
          for (int c = 0; c < 6; ++c) x[c] = s[c][r];
          winograd4_output_row(x, y);
          for (int c = 0; c < 4; ++c) {
            VecW out = bias + y[c];
            if (relu) out = (VecW)((VecI)out & (VecI)(out > VecW{}));
            store(dst + r * row + c * channels + o, out);
          }
        }
      }
    }
  }
}

// 2x2 (k x k) max pooling of a channels-last tensor into a channels-last
// output, kLanes channels a step: std::max lane by lane, in the order
// max_pool_forward takes.
DIGITS_HOT_LOOP void max_pool_channels_last(const float* hwc, const Shape& is, const Shape& os, int k, float* out) {
  typedef int VecI __attribute__((vector_size(sizeof(VecW))));
  const int channels = os.channels;
  for (int y = 0; y < os.height; ++y) {
    for (int x = 0; x < os.width; ++x) {
      const float* src = hwc + ((y * k) * is.width + x * k) * channels;
      float* dst = out + (y * os.width + x) * channels;
      for (int c = 0; c < channels; c += kLanes) {
        VecW m;
        load(m, src + c);
        for (int dy = 0; dy < k; ++dy) {
          for (int dx = 0; dx < k; ++dx) {
            VecW v;
            load(v, src + (dy * is.width + dx) * channels + c);
            const VecI larger = m < v;
            m = (VecW)(((VecI)v & larger) | ((VecI)m & ~larger));
          }
        }
        store(dst + c, m);
      }
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
  fast_.resize(layers_.size());
  std::size_t scratch = 0, products = 0;
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    const Layer& l = layers_[i];
    const bool winograd = l.op == Op::Conv && l.kernel == 3 && l.out.width % 2 == 0 && l.out.height % 2 == 0 &&
                          l.in.channels % kLanes == 0 && l.out.channels % kOutBlock == 0;
    if (!winograd) continue;
    FastConv& f = fast_[i];
    f.tile = l.out.width % 4 == 0 && l.out.height % 4 == 0 ? 4 : 2;
    const std::size_t elements = f.tile == 4 ? kWinograd4Elements : kWinogradElements;
    f.tiles_x = l.out.width / f.tile;
    f.tiles_y = l.out.height / f.tile;
    f.tile_stride = (f.tiles_x * f.tiles_y + kTileBlock - 1) / kTileBlock * kTileBlock;
    f.kernels.resize(elements * l.in.channels * l.out.channels);
    make_kernels(l, f);
    f.source = l.weights;
    scratch = std::max(scratch, elements * f.tile_stride * l.in.channels);
    products = std::max(products, elements * f.tile_stride * l.out.channels);
  }
  scratch_.assign(scratch, 0.0f);
  products_.assign(products, 0.0f);
  std::size_t largest = 0;
  for (const Layer& l : layers_) largest = std::max({largest, l.output.size(), static_cast<std::size_t>(l.in.size())});
  for (auto& buffer : channels_last_) buffer.assign(largest, 0.0f);
  features_ = layer_index("logits") - 1;
  logits_ = layer_index("logits");
}

Probabilities Network::predict(const float* image) {
  ++version_;
  const float* in = image;
  for (Layer& l : layers_) {
    float* out = l.output.data();
    const int channels_last = channels_last_output_;
    channels_last_output_ = -1;
    switch (l.op) {
      case Op::Conv:
        channels_last_output_ = channels_last;
        convolve(l, fast_[&l - layers_.data()], in);
        break;
      case Op::MaxPool:
        if (channels_last >= 0 && l.in.channels % kLanes == 0) {
          // Straight from the convolution's channels-last output, and kept
          // channels-last for the next one.
          const int target = 1 - channels_last;
          max_pool_channels_last(channels_last_[channels_last].data(), l.in, l.out, l.kernel,
                                 channels_last_[target].data());
          to_channels_first(channels_last_[target].data(), l.out.channels, l.out.width * l.out.height, out);
          channels_last_output_ = target;
        } else {
          max_pool_forward(in, out, l.in, l.out, l.kernel);
        }
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

void Network::make_kernels(const Layer& l, FastConv& fast) {
  if (fast.tile == 4)
    winograd4_kernels(l.weights.data(), l.in.channels, l.out.channels, fast.kernels.data());
  else
    winograd_kernels(l.weights.data(), l.in.channels, l.out.channels, fast.kernels.data());
}

void Network::convolve(Layer& l, FastConv& fast, const float* in) {
  if (fast.kernels.empty()) {
    conv_forward(in, l.output.data(), l.in, l.out, l.kernel, l.weights.data(), l.bias.data(), l.relu);
    channels_last_output_ = -1;
    return;
  }
  if (weights_may_change_ && fast.source != l.weights) {  // fine-tuned since the kernels were made
    make_kernels(l, fast);
    fast.source = l.weights;
  }
  // The previous layer's output may still be at hand channels-last (conv3 -> conv4).
  int source = channels_last_output_;
  if (source < 0) {
    source = 0;
    to_channels_last(in, l.in.channels, l.in.width * l.in.height, channels_last_[0].data());
  }
  const int target = 1 - source;
  if (fast.tile == 4) {
    winograd4_inputs(channels_last_[source].data(), l.in, fast.tiles_x, fast.tiles_y, fast.tile_stride,
                     scratch_.data());
    winograd_products(scratch_.data(), fast.kernels.data(), products_.data(), kWinograd4Elements, fast.tile_stride,
                      l.in.channels, l.out.channels);
    winograd4_outputs(products_.data(), l.out, fast.tiles_x, fast.tiles_y, fast.tile_stride, l.bias.data(), l.relu,
                      channels_last_[target].data());
  } else {
    winograd_inputs(channels_last_[source].data(), l.in, fast.tiles_x, fast.tiles_y, fast.tile_stride, scratch_.data());
    winograd_products(scratch_.data(), fast.kernels.data(), products_.data(), kWinogradElements, fast.tile_stride,
                      l.in.channels, l.out.channels);
    winograd_outputs(products_.data(), l.out, fast.tiles_x, fast.tiles_y, fast.tile_stride, l.bias.data(), l.relu,
                     channels_last_[target].data());
  }
  to_channels_first(channels_last_[target].data(), l.out.channels, l.out.width * l.out.height, l.output.data());
  channels_last_output_ = target;
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
