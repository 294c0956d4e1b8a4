// Matrix products on memory the caller owns (the wasm heap), through oneDNN's matmul primitive.
// Not dnnl_sgemm: in oneDNN 2.6 its JIT GEMM points the stack pointer into the heap, and a signal
// arriving meanwhile (a profiler's SIGPROF) corrupts the heap (oneDNN issue #4845); the primitive
// survives the same test at the same speed.
#pragma once

#include <cstdint>
#include <string>

namespace milab {

// The epilogues TF.js's fused kernels carry that oneDNN has as eltwise post-ops. The numbers are
// the ones the JavaScript side passes (kernels/native.ts).
enum class Activation { linear = 0, relu = 1, leakyrelu = 2, relu6 = 3, elu = 4, sigmoid = 5 };

// c[i] = activation(op(a[i]) op(b[i]) + bias) for i < batch, row-major, op() the optional
// transpose; with `accumulate`, c[i] += op(a[i]) op(b[i]) instead (no bias or activation then).
// a[i] starts strideA floats after a[i-1] (0: one a shared by every slice); so does b.
struct Product {
  int64_t batch, m, n, k;
  bool transposeA, transposeB;
  int64_t strideA, strideB;
  const float* a;
  const float* b;
  float* c;
  const float* bias;  // n values (one per column), or nullptr
  Activation activation;
  float alpha;  // leakyrelu's slope
  bool accumulate;
};

void multiply(const Product& p);

// The size of oneDNN's (OpenMP) thread pool.
void setThreads(int threads);
int threads();

// "2.6.3"
std::string version();

}  // namespace milab
