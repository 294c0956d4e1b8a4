// im2col for NHWC images: the patches a convolution multiplies by its filter, one row per output
// pixel, so that conv(x, W) = cols [pixels, KH*KW*C] W [KH*KW*C, O] and dW = cols^T dY. milab's
// wasm loop writes the transposed matrix (what XNNPACK wants) through scattered stores; rows are
// contiguous runs of the input here, several times faster.
#pragma once

#include <cstdint>

namespace milab {

// The fields of kernels/simd.ts's PatchGeometry, in its order.
struct Geometry {
  int64_t batch, inHeight, inWidth, channels, outHeight, outWidth, filterHeight, filterWidth,
      strideHeight, strideWidth, padTop, padLeft;
};

// Row (b, oy, ox) of cols holds x's window at that output pixel in filter order (ky, kx, c);
// zeros where the window covers padding.
void im2col(const float* x, float* cols, const Geometry& g);

}  // namespace milab
