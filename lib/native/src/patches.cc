#include "patches.h"

#include <cstring>

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
