// Dense linear algebra throughput. Machines are shared and noisy, so compare ratios within one
// run: the cpu backend's gemm against Eigen's own multi-threaded GEMM on the same shapes, and the
// randomized SVD's GEMM rate against both.
#include <benchmark/benchmark.h>

#include <Eigen/Core>
#include <memory>
#include <span>
#include <stdexcept>

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

std::unique_ptr<lrq::Backend> make_cpu_backend() {
  static const lrq::host::PluginRegistry registry = [] {
    lrq::host::PluginRegistry loaded;
    loaded.load({LRQ_BENCHMARK_PLUGIN_DIRECTORY});
    return loaded;
  }();
  const auto factory = registry.backend("cpu");
  if (!factory) throw std::runtime_error("no cpu backend in " LRQ_BENCHMARK_PLUGIN_DIRECTORY);
  return factory->create(lrq::Options::defaults(factory->schema()));  // every core
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

void BackendGemm(benchmark::State& state) {
  const auto backend = make_cpu_backend();
  const Eigen::Index m = state.range(0);
  const Eigen::Index n = state.range(1);
  const Eigen::Index k = state.range(2);
  const bool transposed = state.range(3) != 0;
  const lrq::DeviceTensor a =
      upload(*backend, transposed ? uniform_matrix(k, m, 1) : uniform_matrix(m, k, 1));
  const lrq::DeviceTensor b = upload(*backend, uniform_matrix(k, n, 2));
  lrq::DeviceTensor c = backend->zeros({m, n});
  const lrq::Transpose transpose_a = transposed ? lrq::Transpose::yes : lrq::Transpose::no;
  for (auto _ : state) {
    backend->gemm(1.0f, a, transpose_a, b, lrq::Transpose::no, 0.0f, c);
  }
  state.SetLabel(backend->info().device);
  report_rate(state, 2.0 * m * n * k);
}

// The randomized SVD's other steps, on its shapes: the thin QR of a [m, q] block (flops of the
// factorization plus forming Q, 4 m q^2 - 4 q^3 / 3) and the SVD of the q x q triangle.
void BackendQr(benchmark::State& state) {
  const auto backend = make_cpu_backend();
  const std::int64_t m = state.range(0);
  const std::int64_t n = state.range(1);
  const lrq::DeviceTensor a = upload(*backend, uniform_matrix(m, n, 6));
  for (auto _ : state) {
    benchmark::DoNotOptimize(backend->qr(a));
  }
  state.SetLabel(backend->info().device);
  report_rate(state, 4.0 * m * n * n - 4.0 * n * n * n / 3.0);
}

void BackendSvd(benchmark::State& state) {
  const auto backend = make_cpu_backend();
  const std::int64_t n = state.range(0);
  const lrq::DeviceTensor r = backend->qr(upload(*backend, uniform_matrix(n, n, 7))).r;
  for (auto _ : state) {
    benchmark::DoNotOptimize(backend->svd(r));
  }
  state.SetLabel(backend->info().device);
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

// Arguments: m, n. The spec's defaults: k = 614, oversample 10, 4 power iterations.
void RandomizedSvd(benchmark::State& state) {
  const auto backend = make_cpu_backend();
  const std::int64_t m = state.range(0);
  const std::int64_t n = state.range(1);
  const lrq::DeviceTensor weight = upload(*backend, structured_weight(m, n));
  lrq::RandomizedSvdOptions options;
  options.rank = 614;
  options.oversample = 10;
  options.power_iterations = 4;
  for (auto _ : state) {
    benchmark::DoNotOptimize(lrq::randomized_svd(*backend, weight, options));
  }
  // Only the GEMMs count: with q = k + oversample, the range finder's a Ω, two products per power
  // iteration and the projection aᵀ Q each cost 2 m n q, and the two final products Q Vr and
  // Q2 Ur cost 2 m q k and 2 n q k. The QRs and the small SVD are left out, so this rate is a
  // lower bound on the arithmetic done.
  const double q = static_cast<double>(options.rank + options.oversample);
  const double k = static_cast<double>(options.rank);
  const double products = 2.0 + 2.0 * options.power_iterations;
  state.SetLabel(backend->info().device);
  report_rate(state, products * 2.0 * m * n * q + 2.0 * q * k * (m + n));
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

BENCHMARK(EigenGemm)->Apply(GemmShapes);
BENCHMARK(BackendGemm)->Apply(GemmShapes);
BENCHMARK(BackendQr)
    ->ArgNames({"m", "n"})
    ->Args({3072, 624})
    ->Args({9216, 624})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BackendSvd)->ArgName("n")->Arg(624)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(RandomizedSvd)
    ->ArgNames({"m", "n"})
    ->Args({3072, 3072})
    ->Args({9216, 3072})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
