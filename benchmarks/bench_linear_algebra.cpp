// Dense linear algebra throughput. Machines are shared and noisy, so compare ratios within one
// run: the cpu backend's gemm against Eigen's own multi-threaded GEMM on the same shapes, the GPU
// backends (cuda with this project's kernels, cublaslt through cuBLASLt, each in FP32 and TF32)
// against each other, and the randomized SVD's GEMM rate against all of them. A backend whose
// plugin is not built, or that this machine cannot run, shows as skipped with the reason.
#include <benchmark/benchmark.h>

#include <Eigen/Core>
#include <exception>
#include <memory>
#include <span>
#include <string>

#include "lrq/rng.hpp"
#include "lrq/svd.hpp"
#include "plugin_registry.hpp"

namespace {

using RowMajorMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

RowMajorMatrix uniform_matrix(Eigen::Index rows, Eigen::Index cols, std::uint64_t seed) {
  lrq::Rng rng(seed);
  return RowMajorMatrix::NullaryExpr(rows, cols,
                                     [&rng] { return static_cast<float>(rng.uniform() - 0.5); });
}

// A backend plugin and whether its products may use TF32 tensor cores (GPU backends only).
struct BackendChoice {
  const char* plugin;
  bool tf32;
};

const lrq::host::PluginRegistry& plugins() {
  static const lrq::host::PluginRegistry registry = [] {
    lrq::host::PluginRegistry loaded;
    loaded.load({LRQ_BENCHMARK_PLUGIN_DIRECTORY});
    return loaded;
  }();
  return registry;
}

// The configured backend (the cpu backend on every core), or nullptr once the benchmark is skipped
// because the plugin is not built or this machine cannot run it.
std::unique_ptr<lrq::Backend> make_backend(benchmark::State& state, const BackendChoice& choice) {
  const std::string name = choice.plugin;
  const auto factory = plugins().backend(name);
  if (!factory) {
    state.SkipWithError(("backend plugin '" + name + "' not built").c_str());
    return nullptr;
  }
  const lrq::Availability availability = factory->probe();
  if (!availability.available) {
    state.SkipWithError((name + " not available: " + availability.reason).c_str());
    return nullptr;
  }
  lrq::Options options = lrq::Options::defaults(factory->schema());
  if (choice.tf32) options.set("tf32", true);
  return factory->create(options);
}

// Runs a benchmark body, turning an exception (a backend that fails on this machine) into a
// skipped benchmark rather than the end of the whole run.
template <class Body>
void guarded(benchmark::State& state, Body body) {
  try {
    body();
  } catch (const std::exception& error) {
    state.SkipWithError(error.what());
  }
}

lrq::DeviceTensor upload(lrq::Backend& backend, const RowMajorMatrix& matrix) {
  return backend.upload(lrq::TensorView{
      lrq::DType::F32,
      {matrix.rows(), matrix.cols()},
      std::as_bytes(std::span(matrix.data(), static_cast<std::size_t>(matrix.size())))});
}

// Shown as GFLOP/s.
void report_rate(benchmark::State& state, double flops_per_iteration) {
  state.counters["GFLOP"] =
      benchmark::Counter(flops_per_iteration * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

// Arguments: m, n, k and whether a is stored transposed ([k, m]); c [m, n] = op(a) b.
void EigenGemm(benchmark::State& state) {
  const Eigen::Index m = state.range(0);
  const Eigen::Index n = state.range(1);
  const Eigen::Index k = state.range(2);
  const bool transposed = state.range(3) != 0;
  const RowMajorMatrix a = transposed ? uniform_matrix(k, m, 1) : uniform_matrix(m, k, 1);
  const RowMajorMatrix b = uniform_matrix(k, n, 2);
  RowMajorMatrix c(m, n);
  for (auto _ : state) {
    if (transposed) {
      c.noalias() = a.transpose() * b;
    } else {
      c.noalias() = a * b;
    }
    benchmark::DoNotOptimize(c.data());
  }
  state.counters["threads"] = Eigen::nbThreads();
  report_rate(state, 2.0 * m * n * k);
}

// GPU backends queue their work, so every timed call is waited for with synchronize() (a no-op on
// the cpu backend); one untimed call first takes plan selection and module loading out of the
// numbers.
template <typename Call>
void time_calls(benchmark::State& state, lrq::Backend& backend, Call call) {
  call();
  backend.synchronize();
  for (auto _ : state) {
    call();
    backend.synchronize();
  }
  state.SetLabel(backend.info().device);
}

void BackendGemm(benchmark::State& state, BackendChoice choice) {
  guarded(state, [&] {
    const auto backend = make_backend(state, choice);
    if (!backend) return;
    const Eigen::Index m = state.range(0);
    const Eigen::Index n = state.range(1);
    const Eigen::Index k = state.range(2);
    const bool transposed = state.range(3) != 0;
    const lrq::DeviceTensor a =
        upload(*backend, transposed ? uniform_matrix(k, m, 1) : uniform_matrix(m, k, 1));
    const lrq::DeviceTensor b = upload(*backend, uniform_matrix(k, n, 2));
    lrq::DeviceTensor c = backend->zeros({m, n});
    const lrq::Transpose transpose_a = transposed ? lrq::Transpose::yes : lrq::Transpose::no;
    time_calls(state, *backend,
               [&] { backend->gemm(1.0f, a, transpose_a, b, lrq::Transpose::no, 0.0f, c); });
    report_rate(state, 2.0 * m * n * k);
  });
}

// The randomized SVD's other steps, on its shapes: the thin QR of a [m, q] block (flops of the
// factorization plus forming Q, 4 m q^2 - 4 q^3 / 3) and the SVD of the q x q triangle.
void BackendQr(benchmark::State& state, BackendChoice choice) {
  guarded(state, [&] {
    const auto backend = make_backend(state, choice);
    if (!backend) return;
    const std::int64_t m = state.range(0);
    const std::int64_t n = state.range(1);
    const lrq::DeviceTensor a = upload(*backend, uniform_matrix(m, n, 6));
    time_calls(state, *backend, [&] { benchmark::DoNotOptimize(backend->qr(a)); });
    report_rate(state, 4.0 * m * n * n - 4.0 * n * n * n / 3.0);
  });
}

void BackendSvd(benchmark::State& state, BackendChoice choice) {
  guarded(state, [&] {
    const auto backend = make_backend(state, choice);
    if (!backend) return;
    const std::int64_t n = state.range(0);
    const lrq::DeviceTensor r = backend->qr(upload(*backend, uniform_matrix(n, n, 7))).r;
    time_calls(state, *backend, [&] { benchmark::DoNotOptimize(backend->svd(r)); });
  });
}

// The Cholesky QR pass's small steps on the q x q Gram matrix of a [m, q] block, and the
// eigendecomposition of the projected weight's Gram matrix.
lrq::DeviceTensor gram_matrix(lrq::Backend& backend, std::int64_t n) {
  const lrq::DeviceTensor block = upload(backend, uniform_matrix(4 * n, n, 8));
  lrq::DeviceTensor gram = backend.zeros({n, n});
  backend.gemm(1.0f, block, lrq::Transpose::yes, block, lrq::Transpose::no, 0.0f, gram);
  return gram;
}

template <typename Step>
void time_small_step(benchmark::State& state, BackendChoice choice, Step step) {
  guarded(state, [&] {
    const auto backend = make_backend(state, choice);
    if (!backend) return;
    const lrq::DeviceTensor gram = gram_matrix(*backend, state.range(0));
    const lrq::DeviceTensor lower = backend->cholesky(gram).factor;
    time_calls(state, *backend, [&] { step(*backend, gram, lower); });
  });
}

void BackendCholesky(benchmark::State& state, BackendChoice choice) {
  time_small_step(
      state, choice,
      [](lrq::Backend& backend, const lrq::DeviceTensor& gram, const lrq::DeviceTensor&) {
        benchmark::DoNotOptimize(backend.cholesky(gram));
      });
}

void BackendTriangularInverse(benchmark::State& state, BackendChoice choice) {
  time_small_step(
      state, choice,
      [](lrq::Backend& backend, const lrq::DeviceTensor&, const lrq::DeviceTensor& lower) {
        benchmark::DoNotOptimize(backend.lower_triangular_inverse(lower));
      });
}

void BackendSymmetricEigen(benchmark::State& state, BackendChoice choice) {
  time_small_step(
      state, choice,
      [](lrq::Backend& backend, const lrq::DeviceTensor& gram, const lrq::DeviceTensor&) {
        benchmark::DoNotOptimize(backend.symmetric_eigen(gram));
      });
}

// A Cholesky QR pass's last step on a [m, n] sample y with the factor l of its Gram matrix: q =
// y l⁻ᵀ, by one triangular solve or by the triangular inverse and a product (m n² and
// n³ / 3 + 2 m n² flops; the rate counts m n², the work the solve needs).
template <typename Step>
void time_cholesky_qr_step(benchmark::State& state, BackendChoice choice, Step step) {
  guarded(state, [&] {
    const auto backend = make_backend(state, choice);
    if (!backend) return;
    const std::int64_t m = state.range(0);
    const std::int64_t n = state.range(1);
    const lrq::DeviceTensor y = upload(*backend, uniform_matrix(m, n, 9));
    lrq::DeviceTensor gram = backend->zeros({n, n});
    backend->gemm(1.0f, y, lrq::Transpose::yes, y, lrq::Transpose::no, 0.0f, gram);
    const lrq::DeviceTensor lower = backend->cholesky(gram).factor;
    time_calls(state, *backend, [&] { step(*backend, y, lower); });
    report_rate(state, static_cast<double>(m) * n * n);
  });
}

void BackendTriangularSolve(benchmark::State& state, BackendChoice choice) {
  time_cholesky_qr_step(
      state, choice,
      [](lrq::Backend& backend, const lrq::DeviceTensor& y, const lrq::DeviceTensor& lower) {
        benchmark::DoNotOptimize(backend.solve_lower_transposed(y, lower));
      });
}

void BackendInverseProduct(benchmark::State& state, BackendChoice choice) {
  time_cholesky_qr_step(
      state, choice,
      [](lrq::Backend& backend, const lrq::DeviceTensor& y, const lrq::DeviceTensor& lower) {
        const lrq::DeviceTensor inverse = backend.lower_triangular_inverse(lower);
        lrq::DeviceTensor q = backend.zeros(y.shape);
        backend.gemm(1.0f, y, lrq::Transpose::no, inverse, lrq::Transpose::yes, 0.0f, q);
        benchmark::DoNotOptimize(q);
      });
}

// A weight with the structure of a trained layer: a decaying low-rank part plus noise.
RowMajorMatrix structured_weight(Eigen::Index rows, Eigen::Index cols) {
  const Eigen::Index rank = 256;
  RowMajorMatrix left = uniform_matrix(rows, rank, 3);
  for (Eigen::Index i = 0; i < rank; ++i)
    left.col(i) *= std::pow(0.98f, static_cast<float>(i));
  RowMajorMatrix weight = uniform_matrix(rows, cols, 5) * 0.05f;
  weight.noalias() += left * uniform_matrix(rank, cols, 4);
  return weight;
}

// Arguments: m, n. Learned rounding's defaults: k = 614, oversample 10, 4 power iterations.
void RandomizedSvd(benchmark::State& state, BackendChoice choice) {
  guarded(state, [&] {
    const auto backend = make_backend(state, choice);
    if (!backend) return;
    const std::int64_t m = state.range(0);
    const std::int64_t n = state.range(1);
    const lrq::DeviceTensor weight = upload(*backend, structured_weight(m, n));
    lrq::RandomizedSvdOptions options;
    options.rank = 614;
    options.oversample = 10;
    options.power_iterations = 4;
    for (auto _ : state) {
      benchmark::DoNotOptimize(lrq::randomized_svd(*backend, weight, options));
      backend->synchronize();
    }
    // Only the products with the weight count: with q = k + oversample, the range finder's a Ω,
    // two products per power iteration and the projection aᵀ Q each cost 2 m n q, and the two
    // final products Q W_k and Bᵀ W_k cost 2 m q k and 2 n q k. The Cholesky QR passes (2 m q² a
    // Gram matrix and as much a triangular product) and the small eigenproblem are left out, so
    // this rate is a lower bound on the arithmetic done.
    const double q = static_cast<double>(options.rank + options.oversample);
    const double k = static_cast<double>(options.rank);
    const double products = 2.0 + 2.0 * options.power_iterations;
    state.SetLabel(backend->info().device);
    report_rate(state, products * 2.0 * m * n * q + 2.0 * q * k * (m + n));
  });
}

void GemmShapes(benchmark::internal::Benchmark* benchmark) {
  benchmark->ArgNames({"m", "n", "k", "aT"});
  benchmark->Args({3072, 3072, 3072, 0});
  benchmark->Args({9216, 3072, 3072, 0});
  // The randomized SVD's products on a 9216 x 3072 weight: a Z and aᵀ Q with q = 624.
  benchmark->Args({9216, 624, 3072, 0});
  benchmark->Args({3072, 624, 9216, 1});
  benchmark->UseRealTime()->Unit(benchmark::kMillisecond);
}

void QrShapes(benchmark::internal::Benchmark* benchmark) {
  benchmark->ArgNames({"m", "n"})->Args({3072, 624})->Args({9216, 624});
  benchmark->UseRealTime()->Unit(benchmark::kMillisecond);
}

void SvdShapes(benchmark::internal::Benchmark* benchmark) {
  benchmark->ArgName("n")->Arg(624)->UseRealTime()->Unit(benchmark::kMillisecond);
}

void WeightShapes(benchmark::internal::Benchmark* benchmark) {
  benchmark->ArgNames({"m", "n"})->Args({3072, 3072})->Args({9216, 3072});
  benchmark->UseRealTime()->Unit(benchmark::kMillisecond);
}

constexpr BackendChoice kCpu{"cpu", false};
constexpr BackendChoice kCuda{"cuda", false};
constexpr BackendChoice kCudaTf32{"cuda", true};
constexpr BackendChoice kCublasLt{"cublaslt", false};
constexpr BackendChoice kCublasLtTf32{"cublaslt", true};

// One registration per backend and precision, so that one run prints them side by side.
#define LRQ_FOR_EACH_BACKEND(function, shapes)                      \
  BENCHMARK_CAPTURE(function, cpu, kCpu)->Apply(shapes);            \
  BENCHMARK_CAPTURE(function, cuda, kCuda)->Apply(shapes);          \
  BENCHMARK_CAPTURE(function, cuda_tf32, kCudaTf32)->Apply(shapes); \
  BENCHMARK_CAPTURE(function, cublaslt, kCublasLt)->Apply(shapes);  \
  BENCHMARK_CAPTURE(function, cublaslt_tf32, kCublasLtTf32)->Apply(shapes)

BENCHMARK(EigenGemm)->Apply(GemmShapes);
LRQ_FOR_EACH_BACKEND(BackendGemm, GemmShapes);
// QR and the small SVD do not depend on the gemm plugin or its precision (both GPU plugins share
// them): cpu against cuda suffices.
BENCHMARK_CAPTURE(BackendQr, cpu, kCpu)->Apply(QrShapes);
BENCHMARK_CAPTURE(BackendQr, cuda, kCuda)->Apply(QrShapes);
BENCHMARK_CAPTURE(BackendSvd, cpu, kCpu)->Apply(SvdShapes);
BENCHMARK_CAPTURE(BackendSvd, cuda, kCuda)->Apply(SvdShapes);
BENCHMARK_CAPTURE(BackendSymmetricEigen, cpu, kCpu)->Apply(SvdShapes);
BENCHMARK_CAPTURE(BackendSymmetricEigen, cuda, kCuda)->Apply(SvdShapes);
BENCHMARK_CAPTURE(BackendCholesky, cpu, kCpu)->Apply(SvdShapes);
BENCHMARK_CAPTURE(BackendCholesky, cuda, kCuda)->Apply(SvdShapes);
BENCHMARK_CAPTURE(BackendTriangularInverse, cpu, kCpu)->Apply(SvdShapes);
BENCHMARK_CAPTURE(BackendTriangularInverse, cuda, kCuda)->Apply(SvdShapes);
// The solve does not depend on the gemm plugin or its precision; the product it replaces does.
BENCHMARK_CAPTURE(BackendTriangularSolve, cpu, kCpu)->Apply(QrShapes);
BENCHMARK_CAPTURE(BackendTriangularSolve, cuda, kCuda)->Apply(QrShapes);
LRQ_FOR_EACH_BACKEND(BackendInverseProduct, QrShapes);
LRQ_FOR_EACH_BACKEND(RandomizedSvd, WeightShapes);

}  // namespace

BENCHMARK_MAIN();
