// One iteration of the learned-rounding loops on the cpu backend (loss, then step), and a whole
// layer with the `original` optimizer. The general loop's FLOPs are its two [rows, cols] x k
// products plus the k x k one: 4 rows cols k + 4 k^2 min(rows, cols); compare its GFLOP/s with
// EigenGemm's in the same run. `original`'s tiled path for block scales does 6 min(rows, cols) k^2
// per iteration: compare its time with the general loop's on the same shape.
#include <benchmark/benchmark.h>

#include <memory>
#include <span>

#include "bench_plugins.hpp"
#include "block_state.hpp"
#include "dense_state.hpp"
#include "lrq/rng.hpp"
#include "subspace.hpp"
#include "update_rules.hpp"

namespace {

using lrq::DeviceTensor;
using lrq::bench::create;
using lrq::bench::registry;

// Low rank (16) plus noise, like a trained layer.
DeviceTensor layer_weight(lrq::Backend& backend, std::int64_t rows, std::int64_t cols) {
  lrq::Rng rng(7);
  std::vector<float> left(static_cast<std::size_t>(rows * 16));
  std::vector<float> right(static_cast<std::size_t>(16 * cols));
  for (float& value : left)
    value = static_cast<float>(rng.normal());
  for (float& value : right)
    value = static_cast<float>(rng.normal());
  std::vector<float> weight(static_cast<std::size_t>(rows * cols));
  for (std::int64_t r = 0; r < rows; ++r) {
    for (std::int64_t c = 0; c < cols; ++c) {
      float sum = 0.0f;
      for (std::int64_t k = 0; k < 16; ++k)
        sum += left[r * 16 + k] * right[k * cols + c];
      weight[r * cols + c] = 0.01f * (0.2f * sum + static_cast<float>(rng.normal()));
    }
  }
  return backend.upload({lrq::DType::F32, {rows, cols}, std::as_bytes(std::span(weight))});
}

struct Layer {
  std::unique_ptr<lrq::Backend> backend = create(registry().backend("cpu"));
  std::unique_ptr<lrq::Format> format;
  lrq::TensorInfo info;
  DeviceTensor weight;
  lrq::LayerQuantization quantization;

  Layer(std::int64_t rows, std::int64_t cols, const std::string& format_name)
      : format(create(registry().format(format_name))),
        info{"bench.weight", lrq::DType::F32, {rows, cols}},
        weight(layer_weight(*backend, rows, cols)),
        quantization(format->prepare(*backend, info, weight)) {}
};

// What every loop starts from: the weight's top-k subspace, its projector and the projected
// weight as the start error.
struct LoopStart {
  lrq::optimizers::Subspace subspace;
  lrq::optimizers::Projector projector;
  DeviceTensor error;

  LoopStart(Layer& layer, std::int64_t rank)
      : subspace(lrq::optimizers::singular_subspace(*layer.backend, layer.weight, {}, rank, 1)),
        projector(*layer.backend, subspace, layer.weight.shape[0], layer.weight.shape[1]),
        error(layer.backend->zeros({rank, rank})) {
    projector.project(1.0f, layer.weight, 0.0f, error);
  }
};

// Arguments: rows, cols, k; 0 = original with int8 block scales, 1 = adamw with fp8.
void GeneralLoopIteration(benchmark::State& state) {
  const std::int64_t rows = state.range(0);
  const std::int64_t cols = state.range(1);
  const std::int64_t rank = state.range(2);
  const bool adam = state.range(3) != 0;
  Layer layer(rows, cols, adam ? "fp8" : "int8_block");
  lrq::Backend& backend = *layer.backend;
  LoopStart start(layer, rank);
  std::unique_ptr<lrq::optimizers::UpdateRule> rule;
  if (adam) {
    rule = std::make_unique<lrq::optimizers::MomentRule>(backend, lrq::optimizers::Method::adamw,
                                                         lrq::optimizers::MomentSettings{},
                                                         layer.quantization, layer.weight.shape);
  } else {
    rule = std::make_unique<lrq::optimizers::DescentRule>(backend, layer.quantization.multiplier,
                                                          layer.quantization.layout);
  }
  lrq::optimizers::DenseState loop(backend, start.projector, layer.quantization, start.error, *rule,
                                   layer.weight.shape);
  for (auto _ : state) {
    benchmark::DoNotOptimize(loop.loss());
    loop.step(1e-3);
  }
  const double k = static_cast<double>(rank);
  const double flops = 4.0 * static_cast<double>(rows) * static_cast<double>(cols) * k +
                       4.0 * k * k * static_cast<double>(std::min(rows, cols));
  state.counters["GFLOP"] =
      benchmark::Counter(flops * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

// Arguments: rows, cols, k; original with int8 128 x 128 block scales on its tiled path.
void TiledLoopIteration(benchmark::State& state) {
  const std::int64_t rows = state.range(0);
  const std::int64_t cols = state.range(1);
  const std::int64_t rank = state.range(2);
  Layer layer(rows, cols, "int8_block");
  lrq::Backend& backend = *layer.backend;
  LoopStart start(layer, rank);
  const DeviceTensor& weights = layer.quantization.multiplier;
  const DeviceTensor rounding_start = backend.zeros(layer.weight.shape);
  lrq::optimizers::SettledRounding settlement(backend, start.subspace, layer.quantization, weights,
                                              rounding_start, 1.0);
  std::vector<float> factors(static_cast<std::size_t>(weights.elements()), 1.0f);
  lrq::optimizers::BlockState loop(backend, start.subspace, layer.quantization.layout, factors,
                                   start.error, settlement, [&](const DeviceTensor&) {
                                     return backend.zeros({1, 1});
                                   });
  for (auto _ : state) {
    benchmark::DoNotOptimize(loop.loss());
    loop.step(1e-3);
  }
  const double k = static_cast<double>(rank);
  state.counters["GFLOP"] =
      benchmark::Counter(6.0 * k * k * static_cast<double>(std::min(rows, cols)) * 1e-9,
                         benchmark::Counter::kIsIterationInvariantRate);
}

// A whole layer through the real `original` plugin with the reference defaults (randomized SVD,
// the k x k fast path for fp8 per-tensor, final rounding and projected errors).
void OriginalFp8Layer(benchmark::State& state) {
  Layer layer(state.range(0), state.range(1), "fp8");
  const auto optimizer = create(registry().optimizer("original"));
  std::int64_t iterations = 0;
  for (auto _ : state) {
    const lrq::RoundingResult result = optimizer->optimize(
        {*layer.backend, layer.info, layer.weight, layer.quantization, 1, false});
    iterations = result.iterations;
  }
  state.counters["loop_iterations"] = static_cast<double>(iterations);
}

BENCHMARK(GeneralLoopIteration)
    ->ArgNames({"rows", "cols", "k", "adamw"})
    ->Args({3072, 3072, 614, 0})
    ->Args({3072, 3072, 614, 1})
    ->Args({9216, 3072, 614, 0})
    ->Args({9216, 3072, 614, 1})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

BENCHMARK(TiledLoopIteration)
    ->ArgNames({"rows", "cols", "k"})
    ->Args({3072, 3072, 614})
    ->Args({9216, 3072, 614})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

BENCHMARK(OriginalFp8Layer)
    ->ArgNames({"rows", "cols"})
    ->Args({3072, 3072})
    ->Args({9216, 3072})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(1);

}  // namespace
