// The Node-API face of the native kernels. Every call is synchronous on the main thread: the heap
// it reads is the wasm backend's memory, which only wasm code on this thread changes, and which
// moves when it grows, so no pointer into it outlives a call.
//   matmul(heap, batch, m, n, k, transposeA, transposeB, aOffset, bOffset, cOffset, strideA,
//          strideB, biasOffset, activation, alpha, accumulate)
//     heap: a Float32Array over the whole wasm memory, taken after the kernel's last allocation;
//     offsets and strides count floats; biasOffset < 0: no bias. See product.h.
//   im2col(heap, xOffset, colsOffset, ...the 12 fields of patches.h's Geometry)
//   setThreads(n), info() -> { version, threads }
#include <node_api.h>

#include <cstdio>
#include <exception>
#include <string>

#include "patches.h"
#include "product.h"

namespace {

// Thrown by the argument checks below; becomes a JS Error with this message.
struct Refusal {
  std::string message;
};

napi_value fail(napi_env env, const std::string& message) {
  napi_throw_error(env, nullptr, ("milab native: " + message).c_str());
  return nullptr;
}

int64_t integer(napi_env env, napi_value v, const char* name) {
  int64_t out;
  if (napi_get_value_int64(env, v, &out) != napi_ok) throw Refusal{std::string(name) + ": integer"};
  return out;
}

double number(napi_env env, napi_value v, const char* name) {
  double out;
  if (napi_get_value_double(env, v, &out) != napi_ok) throw Refusal{std::string(name) + ": number"};
  return out;
}

bool boolean(napi_env env, napi_value v, const char* name) {
  bool out;
  if (napi_get_value_bool(env, v, &out) != napi_ok) throw Refusal{std::string(name) + ": boolean"};
  return out;
}

// The heap's data pointer and length in floats. A typed array, not its buffer: with wasm threads
// the buffer is a SharedArrayBuffer, which Node-API can only reach through a view.
float* floats(napi_env env, napi_value v, size_t* length) {
  bool isTypedArray = false;
  napi_typedarray_type type;
  void* data;
  napi_value buffer;
  size_t offset;
  if (napi_is_typedarray(env, v, &isTypedArray) != napi_ok || !isTypedArray ||
      napi_get_typedarray_info(env, v, &type, length, &data, &buffer, &offset) != napi_ok ||
      type != napi_float32_array)
    throw Refusal{"heap: Float32Array"};
  // A view of a detached buffer (the heap grew after it was taken) has length 0.
  if (data == nullptr) throw Refusal{"heap: detached (taken before the heap grew?)"};
  return static_cast<float*>(data);
}

// The last float of `count` slices of `extent` floats, `stride` apart from `offset`, must lie in
// the heap: a stale view or a wrong offset is refused here rather than read past.
void within(int64_t offset, int64_t count, int64_t stride, int64_t extent, size_t length,
            const char* name) {
  if (offset < 0 || stride < 0 || offset + (count - 1) * stride + extent > int64_t(length))
    throw Refusal{std::string(name) + " lies outside the heap"};
}

napi_value Matmul(napi_env env, napi_callback_info info) {
  size_t argc = 16;
  napi_value argv[16];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc != 16)
    return fail(env, "matmul: 16 arguments expected");
  try {
    size_t length;
    float* heap = floats(env, argv[0], &length);
    milab::Product p;
    p.batch = integer(env, argv[1], "batch");
    p.m = integer(env, argv[2], "m");
    p.n = integer(env, argv[3], "n");
    p.k = integer(env, argv[4], "k");
    p.transposeA = boolean(env, argv[5], "transposeA");
    p.transposeB = boolean(env, argv[6], "transposeB");
    int64_t a = integer(env, argv[7], "aOffset");
    int64_t b = integer(env, argv[8], "bOffset");
    int64_t c = integer(env, argv[9], "cOffset");
    p.strideA = integer(env, argv[10], "strideA");
    p.strideB = integer(env, argv[11], "strideB");
    int64_t bias = integer(env, argv[12], "biasOffset");
    int64_t activation = integer(env, argv[13], "activation");
    p.alpha = float(number(env, argv[14], "alpha"));
    p.accumulate = boolean(env, argv[15], "accumulate");
    // Empty products are the caller's (they need no engine, and oneDNN has no use for them).
    if (p.batch < 1 || p.m < 1 || p.n < 1 || p.k < 1) throw Refusal{"empty or negative size"};
    if (activation < 0 || activation > int64_t(milab::Activation::sigmoid))
      throw Refusal{"unknown activation " + std::to_string(activation)};
    p.activation = milab::Activation(activation);
    within(a, p.batch, p.strideA, p.m * p.k, length, "a");
    within(b, p.batch, p.strideB, p.k * p.n, length, "b");
    within(c, p.batch, p.m * p.n, p.m * p.n, length, "c");
    if (bias >= 0) within(bias, 1, 0, p.n, length, "bias");
    p.a = heap + a;
    p.b = heap + b;
    p.c = heap + c;
    p.bias = bias >= 0 ? heap + bias : nullptr;
    milab::multiply(p);
    return nullptr;
  } catch (const Refusal& r) {
    return fail(env, "matmul: " + r.message);
  } catch (const std::exception& e) {
    return fail(env, std::string("matmul: oneDNN: ") + e.what());
  }
}

napi_value Im2col(napi_env env, napi_callback_info info) {
  size_t argc = 15;
  napi_value argv[15];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc != 15)
    return fail(env, "im2col: 15 arguments expected");
  try {
    size_t length;
    float* heap = floats(env, argv[0], &length);
    int64_t x = integer(env, argv[1], "xOffset");
    int64_t cols = integer(env, argv[2], "colsOffset");
    int64_t v[12];
    for (int i = 0; i < 12; i++) {
      v[i] = integer(env, argv[3 + i], "geometry");
      // Sizes, strides and filter extents positive; paddings and output extents not negative.
      if (v[i] < (i == 4 || i == 5 || i >= 10 ? 0 : 1)) throw Refusal{"geometry out of range"};
    }
    milab::Geometry g{v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11]};
    within(x, 1, 0, g.batch * g.inHeight * g.inWidth * g.channels, length, "x");
    int64_t rows = g.batch * g.outHeight * g.outWidth;
    within(cols, 1, 0, rows * g.filterHeight * g.filterWidth * g.channels, length, "cols");
    milab::im2col(heap + x, heap + cols, g);
    return nullptr;
  } catch (const Refusal& r) {
    return fail(env, "im2col: " + r.message);
  }
}

napi_value SetThreads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int64_t n = 0;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc != 1 ||
      napi_get_value_int64(env, argv[0], &n) != napi_ok || n < 1)
    return fail(env, "setThreads: a positive integer expected");
  milab::setThreads(int(n));
  return nullptr;
}

napi_value Info(napi_env env, napi_callback_info) {
  napi_value out, version, threads;
  napi_create_object(env, &out);
  std::string v = milab::version();
  napi_create_string_utf8(env, v.c_str(), v.size(), &version);
  napi_create_int32(env, milab::threads(), &threads);
  napi_set_named_property(env, out, "version", version);
  napi_set_named_property(env, out, "threads", threads);
  return out;
}

napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor functions[] = {
      {"matmul", nullptr, Matmul, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"im2col", nullptr, Im2col, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"setThreads", nullptr, SetThreads, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"info", nullptr, Info, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof functions / sizeof functions[0], functions);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
