#include "patches.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <vector>

namespace milab {

void im2col(const float* x, float* cols, const Geometry& g) {
  const int64_t c = g.channels, fw = g.filterWidth;
  const int64_t rowLength = g.filterHeight * fw * c;
  const size_t runBytes = size_t(fw * c) * sizeof(float);  // one filter row: contiguous in x
  for (int64_t b = 0; b < g.batch; b++) {
    const float* image = x + b * g.inHeight * g.inWidth * c;
    for (int64_t oy = 0; oy < g.outHeight; oy++) {
      for (int64_t ox = 0; ox < g.outWidth; ox++) {
        float* row = cols + ((b * g.outHeight + oy) * g.outWidth + ox) * rowLength;
        const int64_t x0 = ox * g.strideWidth - g.padLeft;
        const bool inside = x0 >= 0 && x0 + fw <= g.inWidth;
        for (int64_t ky = 0; ky < g.filterHeight; ky++) {
          const int64_t y = oy * g.strideHeight - g.padTop + ky;
          float* run = row + ky * fw * c;
          if (y < 0 || y >= g.inHeight) {
            std::memset(run, 0, runBytes);
          } else if (inside) {
            std::memcpy(run, image + (y * g.inWidth + x0) * c, runBytes);
          } else {
            const size_t pixelBytes = size_t(c) * sizeof(float);
            for (int64_t kx = 0; kx < fw; kx++) {
              const int64_t xi = x0 + kx;
              if (xi < 0 || xi >= g.inWidth)
                std::memset(run + kx * c, 0, pixelBytes);
              else
                std::memcpy(run + kx * c, image + (y * g.inWidth + xi) * c, pixelBytes);
            }
          }
        }
      }
    }
  }
}

}  // namespace milab

namespace milab {

void maxPoolGrad(const float* x, const float* dy, float* dx, const Geometry& g) {
  const int64_t c = g.channels;
  std::memset(dx, 0, size_t(g.batch * g.inHeight * g.inWidth * c) * sizeof(float));
  std::vector<float> best(c);
  std::vector<int64_t> where(c);
  const float* grad = dy;
  for (int64_t b = 0; b < g.batch; b++) {
    for (int64_t oy = 0; oy < g.outHeight; oy++) {
      const int64_t y0 = oy * g.strideHeight - g.padTop;
      const int64_t ky0 = std::max<int64_t>(0, -y0);
      const int64_t ky1 = std::min(g.filterHeight, g.inHeight - y0);
      for (int64_t ox = 0; ox < g.outWidth; ox++, grad += c) {
        const int64_t x0 = ox * g.strideWidth - g.padLeft;
        const int64_t kx0 = std::max<int64_t>(0, -x0);
        const int64_t kx1 = std::min(g.filterWidth, g.inWidth - x0);
        std::fill(best.begin(), best.end(), -std::numeric_limits<float>::infinity());
        std::fill(where.begin(), where.end(), -1);
        for (int64_t ky = ky0; ky < ky1; ky++) {
          for (int64_t kx = kx0; kx < kx1; kx++) {
            const int64_t at = ((b * g.inHeight + y0 + ky) * g.inWidth + x0 + kx) * c;
            const float* v = x + at;
            // Strictly greater: the first maximum keeps it, and NaN never wins (as in the
            // wasm loop, simd/kernels.c). Branch-free, so the compiler vectorises it.
            for (int64_t ch = 0; ch < c; ch++) {
              const bool take = v[ch] > best[ch];
              best[ch] = take ? v[ch] : best[ch];
              where[ch] = take ? at + ch : where[ch];
            }
          }
        }
        for (int64_t ch = 0; ch < c; ch++) {
          if (where[ch] >= 0) dx[where[ch]] += grad[ch];
        }
      }
    }
  }
}

}  // namespace milab
