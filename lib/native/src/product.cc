// oneDNN matmul primitives, one per shape and epilogue, created once and kept: creating one costs
// far more than running it on the small products of a training step.
#include "product.h"

#include <omp.h>

#include <map>
#include <unordered_map>
#include <tuple>

#include "oneapi/dnnl/dnnl.hpp"

namespace milab {
namespace {

using dnnl::memory;

dnnl::engine& cpu() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

dnnl::stream& stream() {
  static dnnl::stream s(cpu());
  return s;
}

// A primitive with its memory objects; each call only points them at that call's data.
struct Plan {
  dnnl::matmul primitive;
  memory a, b, c, bias;
};

using Key = std::tuple<int64_t, int64_t, int64_t, bool, bool, bool, int, float, bool>;

std::map<Key, Plan> plans;

// A training run uses a handful of shapes; a program that keeps changing them (an evaluation over
// varying batch sizes) should not keep every primitive alive, so the cache starts over past this.
constexpr size_t MAX_PLANS = 256;

// rows x cols as the product reads it; transposed: stored as cols x rows.
memory::desc matrix(int64_t rows, int64_t cols, bool transposed) {
  memory::dims strides = transposed ? memory::dims{1, rows} : memory::dims{cols, 1};
  return memory::desc({rows, cols}, memory::data_type::f32, strides);
}

dnnl::primitive_attr epilogue(Activation activation, float alpha, bool accumulate) {
  dnnl::post_ops ops;
  if (accumulate) ops.append_sum(1.f);
  dnnl::algorithm algorithm = dnnl::algorithm::eltwise_relu;
  float a = 0.f, b = 0.f;
  switch (activation) {
    case Activation::linear:
      algorithm = dnnl::algorithm::undef;
      break;
    case Activation::relu:
      break;
    case Activation::leakyrelu:
      a = alpha;
      break;
    case Activation::relu6:
      algorithm = dnnl::algorithm::eltwise_clip;
      b = 6.f;
      break;
    case Activation::elu:
      algorithm = dnnl::algorithm::eltwise_elu;
      a = 1.f;
      break;
    case Activation::sigmoid:
      algorithm = dnnl::algorithm::eltwise_logistic;
      break;
  }
  if (algorithm != dnnl::algorithm::undef) {
#if DNNL_VERSION_MAJOR >= 3
    ops.append_eltwise(algorithm, a, b);
#else
    ops.append_eltwise(1.f, algorithm, a, b);
#endif
  }
  dnnl::primitive_attr attr;
  attr.set_post_ops(ops);
  return attr;
}

Plan& plan(const Product& p, int64_t m) {
  Key key{m, p.n, p.k, p.transposeA, p.transposeB, p.bias != nullptr, int(p.activation), p.alpha,
          p.accumulate};
  auto found = plans.find(key);
  if (found != plans.end()) return found->second;
  if (plans.size() >= MAX_PLANS) plans.clear();
  memory::desc a = matrix(m, p.k, p.transposeA);
  memory::desc b = matrix(p.k, p.n, p.transposeB);
  memory::desc c = matrix(m, p.n, false);
  // A zero descriptor means "no bias" to oneDNN.
  memory::desc bias = p.bias ? matrix(1, p.n, false) : memory::desc();
  dnnl::primitive_attr attr = epilogue(p.activation, p.alpha, p.accumulate);
#if DNNL_VERSION_MAJOR >= 3
  dnnl::matmul::primitive_desc pd(cpu(), a, b, bias, c, attr);
#else
  dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(a, b, bias, c), attr, cpu());
#endif
  Plan made{dnnl::matmul(pd), memory(a, cpu(), nullptr), memory(b, cpu(), nullptr),
            memory(c, cpu(), nullptr), memory()};
  if (p.bias) made.bias = memory(bias, cpu(), nullptr);
  return plans.emplace(key, std::move(made)).first->second;
}

void run(Plan& plan, const float* a, const float* b, float* c, const float* bias) {
  plan.a.set_data_handle(const_cast<float*>(a));
  plan.b.set_data_handle(const_cast<float*>(b));
  plan.c.set_data_handle(c);
  std::unordered_map<int, memory> args{
      {DNNL_ARG_SRC, plan.a}, {DNNL_ARG_WEIGHTS, plan.b}, {DNNL_ARG_DST, plan.c}};
  if (bias) {
    plan.bias.set_data_handle(const_cast<float*>(bias));
    args.insert({DNNL_ARG_BIAS, plan.bias});
  }
  plan.primitive.execute(stream(), args);
  stream().wait();
}

}  // namespace

void multiply(const Product& p) {
  // Slices of an untransposed a that share one b are consecutive rows: one product of them all.
  if (p.strideB == 0 && !p.transposeA && (p.batch == 1 || p.strideA == p.m * p.k)) {
    run(plan(p, p.batch * p.m), p.a, p.b, p.c, p.bias);
    return;
  }
  Plan& each = plan(p, p.m);
  for (int64_t i = 0; i < p.batch; i++) {
    run(each, p.a + i * p.strideA, p.b + i * p.strideB, p.c + i * p.m * p.n, p.bias);
  }
}

void setThreads(int threads) { omp_set_num_threads(threads); }

int threads() { return omp_get_max_threads(); }

std::string version() {
  const dnnl_version_t* v = dnnl_version();
  return std::to_string(v->major) + "." + std::to_string(v->minor) + "." +
         std::to_string(v->patch);
}

}  // namespace milab
