// Memory-bound helper loops for milab's wasm kernels, compiled to WebAssembly SIMD (see build.sh).
// The module imports the TF.js wasm backend's linear memory, so every pointer below is a tensor's
// heap offset: no copies in or out. It must not touch memory it was not given: no static data and no
// stack (build.sh checks both). Plain C loops: clang vectorises them to 128-bit SIMD at -O3.
#include <stdint.h>
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))

// out[c * rows + r] = in[r * cols + c], in 32x32 tiles so that both sides stay in cache.
EXPORT(transpose2d)
void transpose2d(const float *restrict in, float *restrict out, int rows, int cols) {
  const int tile = 32;
  for (int r0 = 0; r0 < rows; r0 += tile) {
    const int r1 = r0 + tile < rows ? r0 + tile : rows;
    for (int c0 = 0; c0 < cols; c0 += tile) {
      const int c1 = c0 + tile < cols ? c0 + tile : cols;
      for (int c = c0; c < c1; c++) {
        float *o = out + (int64_t)c * rows;
        for (int r = r0; r < r1; r++) o[r] = in[(int64_t)r * cols + c];
      }
    }
  }
}

// Geometry of an NHWC convolution, passed as one int array (see im2col.ts's PatchGeometry order).
typedef struct {
  int batch, in_h, in_w, channels, out_h, out_w, filter_h, filter_w, stride_h, stride_w, pad_top, pad_left;
} geometry;

// The receptive field of output pixel (n, oh, ow) in filter order (kh, kw, c): one row of the column
// matrix cols[p, (kh, kw, c)] = x[n, oh*sh - top + kh, ow*sw - left + kw, c], zero outside the image.
static inline void gather_patch(const float *restrict x, const geometry *g, int n, int oh, int ow, float *restrict dst) {
  const int c = g->channels, fw = g->filter_w, row_len = fw * c;
  const int h0 = oh * g->stride_h - g->pad_top, w0 = ow * g->stride_w - g->pad_left;
  for (int kh = 0; kh < g->filter_h; kh++, dst += row_len) {
    const int h = h0 + kh;
    if (h < 0 || h >= g->in_h) {
      __builtin_memset(dst, 0, sizeof(float) * row_len);
      continue;
    }
    const float *row = x + ((int64_t)(n * g->in_h + h) * g->in_w) * c;
    if (w0 >= 0 && w0 + fw <= g->in_w) {
      __builtin_memcpy(dst, row + (int64_t)w0 * c, sizeof(float) * row_len);
    } else {
      for (int kw = 0; kw < fw; kw++) {
        const int w = w0 + kw;
        if (w < 0 || w >= g->in_w) __builtin_memset(dst + kw * c, 0, sizeof(float) * c);
        else __builtin_memcpy(dst + kw * c, row + (int64_t)w * c, sizeof(float) * c);
      }
    }
  }
}

// The column matrix TRANSPOSED, colsT[(kh, kw, c), p], so that the filter gradient colsT @ dY has its
// large operand on the left: XNNPACK repacks the right operand of every product it has not seen, which
// costs ~2x the product itself for a [4096, 500] right side. With several channels it is built one
// output row at a time: the row's patches go to `tile` [out_w, K] (caller's scratch, contiguous
// copies), which is then transposed into place. With fewer than 4 channels a patch row is too short
// to copy in runs, and each colsT row is gathered directly.
EXPORT(im2col_t)
void im2col_t(const float *restrict x, float *restrict cols_t, const geometry *g, float *restrict tile) {
  const int c = g->channels, k = g->filter_h * g->filter_w * c, ow_n = g->out_w;
  const int64_t pixels = (int64_t)g->batch * g->out_h * ow_n;
  if (c < 4) {
    for (int j = 0; j < k; j++) {
      const int kh = j / (g->filter_w * c), kw = (j / c) % g->filter_w, ch = j % c;
      float *dst = cols_t + (int64_t)j * pixels;
      for (int n = 0; n < g->batch; n++) {
        for (int oh = 0; oh < g->out_h; oh++, dst += ow_n) {
          const int h = oh * g->stride_h - g->pad_top + kh;
          if (h < 0 || h >= g->in_h) {
            __builtin_memset(dst, 0, sizeof(float) * ow_n);
            continue;
          }
          const float *row = x + ((int64_t)(n * g->in_h + h) * g->in_w) * c + ch;
          for (int ow = 0; ow < ow_n; ow++) {
            const int w = ow * g->stride_w - g->pad_left + kw;
            dst[ow] = (w >= 0 && w < g->in_w) ? row[(int64_t)w * c] : 0.0f;
          }
        }
      }
    }
    return;
  }
  for (int n = 0; n < g->batch; n++) {
    for (int oh = 0; oh < g->out_h; oh++) {
      for (int ow = 0; ow < ow_n; ow++) gather_patch(x, g, n, oh, ow, tile + (int64_t)ow * k);
      float *dst = cols_t + ((int64_t)n * g->out_h + oh) * ow_n;
      for (int j = 0; j < k; j++, dst += pixels) {
        for (int ow = 0; ow < ow_n; ow++) dst[ow] = tile[(int64_t)ow * k + j];
      }
    }
  }
}

// The adjoint of im2col: dx[n, h, w, c] = sum of the cols entries im2col read from there (dx zeroed here).
EXPORT(col2im)
void col2im(const float *restrict cols, float *restrict dx, const geometry *g) {
  const int c = g->channels, fw = g->filter_w, row_len = fw * c, k = g->filter_h * row_len;
  __builtin_memset(dx, 0, sizeof(float) * (int64_t)g->batch * g->in_h * g->in_w * c);
  int64_t p = 0;
  for (int n = 0; n < g->batch; n++) {
    for (int oh = 0; oh < g->out_h; oh++) {
      const int h0 = oh * g->stride_h - g->pad_top;
      for (int ow = 0; ow < g->out_w; ow++, p++) {
        const int w0 = ow * g->stride_w - g->pad_left;
        const float *src = cols + p * k;
        for (int kh = 0; kh < g->filter_h; kh++, src += row_len) {
          const int h = h0 + kh;
          if (h < 0 || h >= g->in_h) continue;
          float *row = dx + ((int64_t)(n * g->in_h + h) * g->in_w) * c;
          if (w0 >= 0 && w0 + fw <= g->in_w) {
            float *d = row + (int64_t)w0 * c;
            for (int j = 0; j < row_len; j++) d[j] += src[j];
          } else {
            for (int kw = 0; kw < fw; kw++) {
              const int w = w0 + kw;
              if (w < 0 || w >= g->in_w) continue;
              float *d = row + (int64_t)w * c;
              const float *s = src + kw * c;
              for (int j = 0; j < c; j++) d[j] += s[j];
            }
          }
        }
      }
    }
  }
}

// Max-pool gradient (NHWC): each output's dy goes to the FIRST maximum of its window, as on the cpu
// backend. Pool geometry: filter_h/w are the window, dilation 1. Channels go four at a time (SIMD),
// tracking the running maximum and its flat index per lane; windows that do not overlap (stride >=
// window, the usual 2x2/2) then write each dx entry once, overlapping ones add lane by lane.
EXPORT(maxpool_grad)
void maxpool_grad(const float *restrict x, const float *restrict dy, float *restrict dx, const geometry *g) {
  const int c = g->channels;
  const int disjoint = g->stride_h >= g->filter_h && g->stride_w >= g->filter_w;
  const v128_t lanes = wasm_i32x4_make(0, 1, 2, 3);
  __builtin_memset(dx, 0, sizeof(float) * (int64_t)g->batch * g->in_h * g->in_w * c);
  const float *o = dy;
  for (int n = 0; n < g->batch; n++) {
    for (int oh = 0; oh < g->out_h; oh++) {
      const int h0 = oh * g->stride_h - g->pad_top;
      const int kh0 = h0 < 0 ? -h0 : 0, kh1 = h0 + g->filter_h > g->in_h ? g->in_h - h0 : g->filter_h;
      for (int ow = 0; ow < g->out_w; ow++, o += c) {
        const int w0 = ow * g->stride_w - g->pad_left;
        const int kw0 = w0 < 0 ? -w0 : 0, kw1 = w0 + g->filter_w > g->in_w ? g->in_w - w0 : g->filter_w;
        int ch = 0;
        for (; ch + 4 <= c; ch += 4) {
          v128_t best = wasm_f32x4_splat(-__builtin_inff());
          v128_t where = wasm_i32x4_splat(-1);
          for (int kh = kh0; kh < kh1; kh++) {
            for (int kw = kw0; kw < kw1; kw++) {
              const int32_t at = ((n * g->in_h + h0 + kh) * g->in_w + w0 + kw) * c + ch;
              const v128_t v = wasm_v128_load(x + at);
              const v128_t take = wasm_f32x4_gt(v, best);
              best = wasm_v128_bitselect(v, best, take);
              where = wasm_v128_bitselect(wasm_i32x4_add(wasm_i32x4_splat(at), lanes), where, take);
            }
          }
          const v128_t grad = wasm_v128_load(o + ch);
          if (disjoint) {
            for (int kh = kh0; kh < kh1; kh++) {
              for (int kw = kw0; kw < kw1; kw++) {
                const int32_t at = ((n * g->in_h + h0 + kh) * g->in_w + w0 + kw) * c + ch;
                const v128_t hit = wasm_i32x4_eq(wasm_i32x4_add(wasm_i32x4_splat(at), lanes), where);
                wasm_v128_store(dx + at, wasm_v128_and(grad, hit));
              }
            }
          } else {
            const int32_t i0 = wasm_i32x4_extract_lane(where, 0), i1 = wasm_i32x4_extract_lane(where, 1);
            const int32_t i2 = wasm_i32x4_extract_lane(where, 2), i3 = wasm_i32x4_extract_lane(where, 3);
            if (i0 >= 0) dx[i0] += o[ch];
            if (i1 >= 0) dx[i1] += o[ch + 1];
            if (i2 >= 0) dx[i2] += o[ch + 2];
            if (i3 >= 0) dx[i3] += o[ch + 3];
          }
        }
        for (; ch < c; ch++) {
          float best = -__builtin_inff();
          int32_t where = -1;
          for (int kh = kh0; kh < kh1; kh++) {
            for (int kw = kw0; kw < kw1; kw++) {
              const int32_t at = ((n * g->in_h + h0 + kh) * g->in_w + w0 + kw) * c + ch;
              if (x[at] > best) {
                best = x[at];
                where = at;
              }
            }
          }
          if (where >= 0) dx[where] += o[ch];
        }
      }
    }
  }
}

// out[k, o] = sum_p a[k, p] b[p, o] for a small output (k_n rows of a, at most a few dozen): the filter
// gradient of a first convolution layer (cols^T [KH*KW*C, P] with C = 1 or 3) against dY [P, O]. XNNPACK
// would first repack all of b (P x O floats, e.g. 737k for LeNet-5's first layer), which costs more
// than the product; here b is read in place. Blocks of 128 pixels keep both operands in L1 while
// 4 rows x 8 columns of the output accumulate in SIMD registers.
EXPORT(gemm_small_out)
void gemm_small_out(const float *restrict a, const float *restrict b, float *restrict out, int k_n, int p_n, int o_n) {
  const int block = 128;
  __builtin_memset(out, 0, sizeof(float) * k_n * o_n);
  for (int p0 = 0; p0 < p_n; p0 += block) {
    const int p1 = p0 + block < p_n ? p0 + block : p_n;
    int k = 0;
    for (; k + 4 <= k_n; k += 4) {
      const float *a0 = a + (int64_t)k * p_n, *a1 = a0 + p_n, *a2 = a1 + p_n, *a3 = a2 + p_n;
      int o = 0;
      for (; o + 8 <= o_n; o += 8) {
        v128_t c00 = wasm_f32x4_splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        for (int p = p0; p < p1; p++) {
          const v128_t b0 = wasm_v128_load(b + (int64_t)p * o_n + o), b1 = wasm_v128_load(b + (int64_t)p * o_n + o + 4);
          const v128_t x0 = wasm_f32x4_splat(a0[p]), x1 = wasm_f32x4_splat(a1[p]);
          const v128_t x2 = wasm_f32x4_splat(a2[p]), x3 = wasm_f32x4_splat(a3[p]);
          c00 = wasm_f32x4_add(c00, wasm_f32x4_mul(x0, b0));
          c01 = wasm_f32x4_add(c01, wasm_f32x4_mul(x0, b1));
          c10 = wasm_f32x4_add(c10, wasm_f32x4_mul(x1, b0));
          c11 = wasm_f32x4_add(c11, wasm_f32x4_mul(x1, b1));
          c20 = wasm_f32x4_add(c20, wasm_f32x4_mul(x2, b0));
          c21 = wasm_f32x4_add(c21, wasm_f32x4_mul(x2, b1));
          c30 = wasm_f32x4_add(c30, wasm_f32x4_mul(x3, b0));
          c31 = wasm_f32x4_add(c31, wasm_f32x4_mul(x3, b1));
        }
        float *r = out + (int64_t)k * o_n + o;
        wasm_v128_store(r, wasm_f32x4_add(wasm_v128_load(r), c00));
        wasm_v128_store(r + 4, wasm_f32x4_add(wasm_v128_load(r + 4), c01));
        r += o_n;
        wasm_v128_store(r, wasm_f32x4_add(wasm_v128_load(r), c10));
        wasm_v128_store(r + 4, wasm_f32x4_add(wasm_v128_load(r + 4), c11));
        r += o_n;
        wasm_v128_store(r, wasm_f32x4_add(wasm_v128_load(r), c20));
        wasm_v128_store(r + 4, wasm_f32x4_add(wasm_v128_load(r + 4), c21));
        r += o_n;
        wasm_v128_store(r, wasm_f32x4_add(wasm_v128_load(r), c30));
        wasm_v128_store(r + 4, wasm_f32x4_add(wasm_v128_load(r + 4), c31));
      }
      for (; o < o_n; o++) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (int p = p0; p < p1; p++) {
          const float bv = b[(int64_t)p * o_n + o];
          s0 += a0[p] * bv;
          s1 += a1[p] * bv;
          s2 += a2[p] * bv;
          s3 += a3[p] * bv;
        }
        out[(int64_t)k * o_n + o] += s0;
        out[(int64_t)(k + 1) * o_n + o] += s1;
        out[(int64_t)(k + 2) * o_n + o] += s2;
        out[(int64_t)(k + 3) * o_n + o] += s3;
      }
    }
    for (; k < k_n; k++) {
      const float *ak = a + (int64_t)k * p_n;
      float *r = out + (int64_t)k * o_n;
      for (int p = p0; p < p1; p++) {
        const float x = ak[p];
        const float *bp = b + (int64_t)p * o_n;
        for (int o = 0; o < o_n; o++) r[o] += x * bp[o];
      }
    }
  }
}

// out[i, :] = x[idx[i], :] for rows of `row` 4-byte values (batches drawn by index, embedding
// lookups); the caller has checked every index.
EXPORT(gather_rows)
void gather_rows(const float *restrict x, const int32_t *restrict idx, float *restrict out, int count, int row) {
  for (int i = 0; i < count; i++) __builtin_memcpy(out + (int64_t)i * row, x + (int64_t)idx[i] * row, sizeof(float) * row);
}

// out[j] = sum_i x[i * inner + j]: a reduction over leading axes (every bias gradient).
EXPORT(sum_leading)
void sum_leading(const float *restrict x, float *restrict out, int outer, int inner) {
  __builtin_memset(out, 0, sizeof(float) * inner);
  for (int i = 0; i < outer; i++) {
    const float *row = x + (int64_t)i * inner;
    for (int j = 0; j < inner; j++) out[j] += row[j];
  }
}

// One Adam step for one variable, into new buffers (tensors are immutable, and XNNPACK caches packed
// weights by tensor id, so updating in place would leave stale copies):
//   m' = b1 m + (1 - b1) g,  v' = b2 v + (1 - b2) g^2,  w' = w - lr_t m' / (sqrt(v') + eps_t)
// with lr_t = lr sqrt(1 - b2^t) / (1 - b1^t) and eps_t = eps sqrt(1 - b2^t) folded by the caller,
// which is the same update as m-hat / (sqrt(v-hat) + eps).
EXPORT(adam)
void adam(const float *restrict w, const float *restrict g, const float *restrict m, const float *restrict v,
          float *restrict w_out, float *restrict m_out, float *restrict v_out, int n,
          float lr_t, float beta1, float beta2, float eps_t) {
  const float c1 = 1.0f - beta1, c2 = 1.0f - beta2;
  for (int i = 0; i < n; i++) {
    const float gi = g[i];
    const float mi = beta1 * m[i] + c1 * gi;
    const float vi = beta2 * v[i] + c2 * gi * gi;
    m_out[i] = mi;
    v_out[i] = vi;
    w_out[i] = w[i] - lr_t * mi / (__builtin_sqrtf(vi) + eps_t);
  }
}

// e^t for t <= 0 (Cephes expf): t = n ln 2 + r with |r| <= ln 2 / 2 (ln 2 in two parts, so r is
// exact), a degree-7 polynomial for e^r, 2^n from the exponent bits. t is clamped at -87, where 2^n
// is still a normal float (e^-87 = 1.6e-38; callers only add it to or divide it by numbers near 1).
static inline v128_t exp_nonpositive(v128_t t) {
  t = wasm_f32x4_pmax(t, wasm_f32x4_splat(-87.0f)); // pmax: one maxps (max is ~8 on x64); NaN stays
  // n = round(t / ln 2) by adding 1.5 * 2^23: the sum's low mantissa bits then hold n (a cheaper
  // rounding than f32x4.nearest and i32x4.trunc_sat on x64).
  const v128_t magic = wasm_f32x4_splat(12582912.0f);
  const v128_t shifted = wasm_f32x4_add(wasm_f32x4_mul(t, wasm_f32x4_splat(1.44269504088896341f)), magic);
  const v128_t n = wasm_f32x4_sub(shifted, magic);
  v128_t r = wasm_f32x4_sub(t, wasm_f32x4_mul(n, wasm_f32x4_splat(0.693359375f)));
  r = wasm_f32x4_sub(r, wasm_f32x4_mul(n, wasm_f32x4_splat(-2.12194440e-4f)));
  v128_t p = wasm_f32x4_splat(1.9875691500e-4f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.3981999507e-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(8.3334519073e-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(4.1665795894e-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.6666665459e-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(5.0000001201e-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_mul(p, r), r), wasm_f32x4_add(r, wasm_f32x4_splat(1.0f)));
  // 2^n: n + 127 in the exponent field (the magic number's bits are 0x4B400000 + n).
  const v128_t bits = wasm_i32x4_shl(wasm_i32x4_add(shifted, wasm_i32x4_splat(127 - 0x4B400000)), 23);
  return wasm_f32x4_mul(p, bits);
}

// ln(1 + e) for e in [0, 1], as 2 atanh(s) with s = e / (2 + e) <= 1/3: the odd series to s^15
// leaves a relative error below 2e-9, and it stays accurate as e -> 0, where ln(1 + e) ~ e.
static inline v128_t log1p_unit(v128_t e) {
  const v128_t s = wasm_f32x4_div(e, wasm_f32x4_add(e, wasm_f32x4_splat(2.0f)));
  const v128_t s2 = wasm_f32x4_mul(s, s);
  v128_t q = wasm_f32x4_splat(1.0f / 15);
  q = wasm_f32x4_add(wasm_f32x4_mul(q, s2), wasm_f32x4_splat(1.0f / 13));
  q = wasm_f32x4_add(wasm_f32x4_mul(q, s2), wasm_f32x4_splat(1.0f / 11));
  q = wasm_f32x4_add(wasm_f32x4_mul(q, s2), wasm_f32x4_splat(1.0f / 9));
  q = wasm_f32x4_add(wasm_f32x4_mul(q, s2), wasm_f32x4_splat(1.0f / 7));
  q = wasm_f32x4_add(wasm_f32x4_mul(q, s2), wasm_f32x4_splat(1.0f / 5));
  q = wasm_f32x4_add(wasm_f32x4_mul(q, s2), wasm_f32x4_splat(1.0f / 3));
  q = wasm_f32x4_add(wasm_f32x4_mul(q, s2), wasm_f32x4_splat(1.0f));
  return wasm_f32x4_mul(wasm_f32x4_add(s, s), q);
}

// Four lanes of softplus_sd (below): sd = max(softplus(rho), floor) and its derivative
// sigmoid(rho), 0 where the floor holds. With e = e^-|rho|: softplus = max(rho, 0) + ln(1 + e),
// sigmoid = 1 / (1 + e) for rho >= 0 and e / (1 + e) below; no overflow for any rho, and a NaN
// rho gives NaN.
static inline void softplus_sd4(v128_t rho, v128_t floor, v128_t *sd, v128_t *dsd) {
  const v128_t e = exp_nonpositive(wasm_f32x4_neg(wasm_f32x4_abs(rho)));
  const v128_t soft = wasm_f32x4_add(wasm_f32x4_pmax(rho, wasm_f32x4_splat(0.0f)), log1p_unit(e));
  const v128_t inv = wasm_f32x4_div(wasm_f32x4_splat(1.0f), wasm_f32x4_add(e, wasm_f32x4_splat(1.0f)));
  const v128_t sigmoid = wasm_v128_bitselect(inv, wasm_f32x4_mul(e, inv), wasm_f32x4_ge(rho, wasm_f32x4_splat(0.0f)));
  const v128_t floored = wasm_f32x4_le(soft, floor); // false for NaN: a NaN rho gives a NaN sd
  *sd = wasm_v128_bitselect(floor, soft, floored);
  *dsd = wasm_v128_andnot(sigmoid, floored);
}

// A Bayes-by-backprop posterior's standard deviations from their parameters rho, in one pass:
// sd = max(softplus(rho), floor) and dsd = d sd / d rho (the backward pass multiplies it by the
// incoming gradient). Replaces ~14 elementwise kernels (forward and backward) over every weight.
EXPORT(softplus_sd)
void softplus_sd(const float *restrict rho, float *restrict sd, float *restrict dsd, int n, float floor) {
  const v128_t fl = wasm_f32x4_splat(floor);
  v128_t s, d;
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    softplus_sd4(wasm_v128_load(rho + i), fl, &s, &d);
    wasm_v128_store(sd + i, s);
    wasm_v128_store(dsd + i, d);
  }
  for (; i < n; i++) { // the last 1-3 values, one lane at a time
    softplus_sd4(wasm_f32x4_splat(rho[i]), fl, &s, &d);
    sd[i] = wasm_f32x4_extract_lane(s, 0);
    dsd[i] = wasm_f32x4_extract_lane(d, 0);
  }
}

// ln x for positive normal x (Cephes logf): x = 2^k m with m in [sqrt(1/2), sqrt(2)), ln m from a
// degree-9 polynomial in m - 1, k ln 2 in two parts; about 1 ulp.
static inline v128_t log_positive(v128_t x) {
  const v128_t bits = x;
  v128_t k = wasm_i32x4_sub(wasm_u32x4_shr(bits, 23), wasm_i32x4_splat(127));
  v128_t m = wasm_v128_or(wasm_v128_and(bits, wasm_i32x4_splat(0x007FFFFF)), wasm_i32x4_splat(0x3F800000)); // [1, 2)
  const v128_t big = wasm_f32x4_gt(m, wasm_f32x4_splat(1.41421356237f));
  m = wasm_v128_bitselect(wasm_f32x4_mul(m, wasm_f32x4_splat(0.5f)), m, big);
  k = wasm_i32x4_sub(k, big); // big is -1 in its lanes: k + 1 there
  const v128_t kf = wasm_f32x4_convert_i32x4(k);
  const v128_t z = wasm_f32x4_sub(m, wasm_f32x4_splat(1.0f));
  const v128_t z2 = wasm_f32x4_mul(z, z);
  v128_t p = wasm_f32x4_splat(7.0376836292e-2f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), wasm_f32x4_splat(-1.1514610310e-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), wasm_f32x4_splat(1.1676998740e-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), wasm_f32x4_splat(-1.2420140846e-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), wasm_f32x4_splat(1.4249322787e-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), wasm_f32x4_splat(-1.6668057665e-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), wasm_f32x4_splat(2.0000714765e-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), wasm_f32x4_splat(-2.4999993993e-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), wasm_f32x4_splat(3.3333331174e-1f));
  v128_t y = wasm_f32x4_mul(wasm_f32x4_mul(p, z), z2);
  y = wasm_f32x4_add(y, wasm_f32x4_mul(kf, wasm_f32x4_splat(-2.12194440e-4f)));
  y = wasm_f32x4_sub(y, wasm_f32x4_mul(z2, wasm_f32x4_splat(0.5f)));
  return wasm_f32x4_add(wasm_f32x4_add(z, y), wasm_f32x4_mul(kf, wasm_f32x4_splat(0.693359375f)));
}

// Four lanes of gaussian_kl (below): the KL terms and the two derivatives.
static inline v128_t gaussian_kl4(v128_t mu, v128_t rho, v128_t floor, v128_t log_prior, v128_t inv_var,
                                  v128_t *dmu, v128_t *drho) {
  v128_t sd, dsd;
  softplus_sd4(rho, floor, &sd, &dsd);
  const v128_t half = wasm_f32x4_splat(0.5f);
  const v128_t quad = wasm_f32x4_mul(wasm_f32x4_add(wasm_f32x4_mul(sd, sd), wasm_f32x4_mul(mu, mu)),
                                     wasm_f32x4_mul(half, inv_var));
  *dmu = wasm_f32x4_mul(mu, inv_var);
  *drho = wasm_f32x4_mul(wasm_f32x4_sub(wasm_f32x4_mul(sd, inv_var), wasm_f32x4_div(wasm_f32x4_splat(1.0f), sd)), dsd);
  return wasm_f32x4_sub(wasm_f32x4_add(wasm_f32x4_sub(log_prior, log_positive(sd)), quad), half);
}

// KL(N(mu, sd^2) || N(0, prior_sd^2)) summed over n weights, sd = max(softplus(rho), floor):
//   sum ln(prior_sd / sd) + (sd^2 + mu^2) / (2 prior_sd^2) - 1/2,
// given ln prior_sd and 1 / prior_sd^2, returned in double (the sum reaches ~1e6 over a network),
// with its derivatives written to
// dmu = mu / prior_sd^2 and drho = (sd / prior_sd^2 - 1 / sd) d sd / d rho for the backward pass.
// One pass instead of ~20 elementwise kernels over every weight (forward and backward).
EXPORT(gaussian_kl)
double gaussian_kl(const float *restrict mu, const float *restrict rho, float *restrict dmu, float *restrict drho,
                   int n, float log_prior_sd, float inv_prior_var, float floor) {
  const v128_t fl = wasm_f32x4_splat(floor);
  const v128_t log_prior = wasm_f32x4_splat(log_prior_sd);
  const v128_t inv_var = wasm_f32x4_splat(inv_prior_var);
  v128_t acc_lo = wasm_f64x2_splat(0.0), acc_hi = acc_lo, dm, dr;
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    const v128_t t = gaussian_kl4(wasm_v128_load(mu + i), wasm_v128_load(rho + i), fl, log_prior, inv_var, &dm, &dr);
    wasm_v128_store(dmu + i, dm);
    wasm_v128_store(drho + i, dr);
    acc_lo = wasm_f64x2_add(acc_lo, wasm_f64x2_promote_low_f32x4(t));
    acc_hi = wasm_f64x2_add(acc_hi, wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(t, t, 2, 3, 0, 1)));
  }
  double total = wasm_f64x2_extract_lane(acc_lo, 0) + wasm_f64x2_extract_lane(acc_lo, 1) +
                 wasm_f64x2_extract_lane(acc_hi, 0) + wasm_f64x2_extract_lane(acc_hi, 1);
  for (; i < n; i++) { // the last 1-3 weights, one lane at a time
    const v128_t t = gaussian_kl4(wasm_f32x4_splat(mu[i]), wasm_f32x4_splat(rho[i]), fl, log_prior, inv_var, &dm, &dr);
    dmu[i] = wasm_f32x4_extract_lane(dm, 0);
    drho[i] = wasm_f32x4_extract_lane(dr, 0);
    total += wasm_f32x4_extract_lane(t, 0);
  }
  return total;
}

// lowbias32 (C. Wellons' hash-prospector): a bijection of 32-bit words with near-ideal avalanche.
static inline v128_t hash32(v128_t x) {
  x = wasm_v128_xor(x, wasm_u32x4_shr(x, 16));
  x = wasm_i32x4_mul(x, wasm_i32x4_splat(0x7feb352d));
  x = wasm_v128_xor(x, wasm_u32x4_shr(x, 15));
  x = wasm_i32x4_mul(x, wasm_i32x4_splat((int32_t)0x846ca68b));
  return wasm_v128_xor(x, wasm_u32x4_shr(x, 16));
}

// Draws of pairs k..k+3 of stream `key` (normal_noise below): [cos-side, sin-side] values.
static inline void normal_pairs4(int k, uint32_t key, v128_t *z0, v128_t *z1) {
  const v128_t pair = wasm_i32x4_add(wasm_i32x4_splat(k), wasm_i32x4_make(0, 1, 2, 3));
  const v128_t counter = wasm_i32x4_shl(pair, 1); // 2k for the radius, 2k + 1 for the angle
  const v128_t kv = wasm_i32x4_splat((int32_t)key);
  const v128_t h1 = hash32(wasm_v128_xor(hash32(counter), kv));
  const v128_t h2 = hash32(wasm_v128_xor(hash32(wasm_i32x4_add(counter, wasm_i32x4_splat(1))), kv));
  // u1 in (0, 1] (24 bits: ln u1 finite), u2 in [0, 1).
  const v128_t scale = wasm_f32x4_splat(5.9604644775390625e-8f); // 2^-24
  const v128_t u1 = wasm_f32x4_mul(wasm_f32x4_convert_i32x4(wasm_i32x4_add(wasm_u32x4_shr(h1, 8), wasm_i32x4_splat(1))), scale);
  const v128_t u2 = wasm_f32x4_mul(wasm_f32x4_convert_i32x4(wasm_u32x4_shr(h2, 8)), scale);
  const v128_t radius = wasm_f32x4_sqrt(wasm_f32x4_mul(wasm_f32x4_splat(-2.0f), log_positive(u1)));
  // The angle 2 pi u2 as q quarter turns plus theta in [-pi/4, pi/4] (Cephes sinf / cosf there).
  const v128_t turns = wasm_f32x4_mul(u2, wasm_f32x4_splat(4.0f));
  const v128_t qf = wasm_f32x4_nearest(turns);
  const v128_t theta = wasm_f32x4_mul(wasm_f32x4_sub(turns, qf), wasm_f32x4_splat(1.57079632679489662f));
  const v128_t t2 = wasm_f32x4_mul(theta, theta);
  v128_t s = wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_splat(-1.9515295891e-4f), t2), wasm_f32x4_splat(8.3321608736e-3f));
  s = wasm_f32x4_add(wasm_f32x4_mul(s, t2), wasm_f32x4_splat(-1.6666654611e-1f));
  s = wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_mul(s, t2), theta), theta);
  v128_t c = wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_splat(2.443315711809948e-5f), t2), wasm_f32x4_splat(-1.388731625493765e-3f));
  c = wasm_f32x4_add(wasm_f32x4_mul(c, t2), wasm_f32x4_splat(4.166664568298827e-2f));
  c = wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_mul(c, t2), t2), wasm_f32x4_sub(wasm_f32x4_splat(1.0f), wasm_f32x4_mul(t2, wasm_f32x4_splat(0.5f))));
  // Rotate by q quarter turns: odd q swaps cos and sin; cos is negative for q = 1, 2; sin for q = 2, 3.
  const v128_t q = wasm_i32x4_trunc_sat_f32x4(qf);
  const v128_t one = wasm_i32x4_splat(1), two = wasm_i32x4_splat(2);
  const v128_t swap = wasm_i32x4_eq(wasm_v128_and(q, one), one);
  const v128_t cosine = wasm_v128_bitselect(s, c, swap), sine = wasm_v128_bitselect(c, s, swap);
  const v128_t cosSign = wasm_i32x4_shl(wasm_v128_and(wasm_i32x4_add(q, one), two), 30); // bit 31
  const v128_t sinSign = wasm_i32x4_shl(wasm_v128_and(q, two), 30);
  *z0 = wasm_f32x4_mul(radius, wasm_v128_xor(cosine, cosSign));
  *z1 = wasm_f32x4_mul(radius, wasm_v128_xor(sine, sinSign));
}

// n standard normal draws of stream `key` (a hashed seed), mean + sd z each: Box-Muller on a
// counter-based generator, value 2k and 2k + 1 from pair k, so the draws depend on (key, index)
// alone: one pass with no state, and nn's JavaScript fallback computes the same values (to float
// rounding). Uniforms have 24 bits: |z| <= sqrt(-2 ln 2^-24) = 5.77 (P(|z| > 5.77) = 8e-9).
EXPORT(normal_noise)
void normal_noise(float *restrict out, int n, uint32_t key, float mean, float sd) {
  const v128_t m = wasm_f32x4_splat(mean), sdv = wasm_f32x4_splat(sd);
  v128_t z0, z1;
  int k = 0;
  for (; 2 * (k + 4) <= n; k += 4) {
    normal_pairs4(k, key, &z0, &z1);
    z0 = wasm_f32x4_add(m, wasm_f32x4_mul(sdv, z0));
    z1 = wasm_f32x4_add(m, wasm_f32x4_mul(sdv, z1));
    wasm_v128_store(out + 2 * k, wasm_i32x4_shuffle(z0, z1, 0, 4, 1, 5));
    wasm_v128_store(out + 2 * k + 4, wasm_i32x4_shuffle(z0, z1, 2, 6, 3, 7));
  }
  for (; 2 * k < n; k++) { // the last pairs, one at a time (an odd n drops the last sin-side value)
    normal_pairs4(k, key, &z0, &z1);
    out[2 * k] = mean + sd * wasm_f32x4_extract_lane(z0, 0);
    if (2 * k + 1 < n) out[2 * k + 1] = mean + sd * wasm_f32x4_extract_lane(z1, 0);
  }
}
