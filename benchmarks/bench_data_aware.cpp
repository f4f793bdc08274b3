// The data-aware optimizer against round-to-nearest, per layer and per backend: one optimize()
// call of `gptq` (H of the layer's width given) and of `rtn` on the same weight and scales, each
// waited for to the end. Compare the two within one run: gptq / rtn is the figure. Layers of
// 3072 x 3072 and 12288 x 3072 (Flux's attention projection and first MLP layer), fp8 per-tensor
// and int8 block-128; every backend that is available here.
#include <benchmark/benchmark.h>

#include <memory>
#include <span>
#include <vector>

#include "bench_plugins.hpp"
#include "lrq/rng.hpp"

namespace {

using lrq::DeviceTensor;
using lrq::bench::create;
using lrq::bench::registry;

DeviceTensor normal_matrix(lrq::Backend& backend, std::int64_t rows, std::int64_t cols,
                           double scale, std::uint64_t seed) {
  std::vector<float> values(static_cast<std::size_t>(rows * cols));
  lrq::fill_normal_rows(lrq::Rng(seed), values, cols);
  for (float& value : values)
    value = static_cast<float>(value * scale);
  return backend.upload({lrq::DType::F32, {rows, cols}, std::as_bytes(std::span(values))});
}

// A weight, its scales and a second moment H = G Gᵀ / 256 + 0.1 I of its width, on the backend.
struct Problem {
  std::unique_ptr<lrq::Backend> backend;
  lrq::TensorInfo info;
  DeviceTensor weight;
  lrq::LayerQuantization quantization;
  lrq::InputStatistics inputs;

  Problem(const std::string& backend_name, std::int64_t rows, std::int64_t cols, bool int8)
      : backend(create(registry().backend(backend_name))),
        info{"bench.weight", lrq::DType::F32, {rows, cols}},
        weight(normal_matrix(*backend, rows, cols, 0.02, 1)) {
    const auto format = int8 ? create(registry().format("int8_block"))
                             : create(registry().format("fp8"));
    quantization = format->prepare(*backend, info, weight);
    constexpr std::int64_t kDirections = 256;
    const DeviceTensor factor = normal_matrix(*backend, cols, kDirections, 1.0 / 16.0, 2);
    inputs.second_moment = backend->zeros({cols, cols});
    backend->gemm(1.0f, factor, lrq::Transpose::no, factor, lrq::Transpose::yes, 0.0f,
                  inputs.second_moment);
    const std::vector<float> ridge(static_cast<std::size_t>(cols), 0.1f);
    backend->add_diagonal(inputs.second_moment,
                          backend->upload({lrq::DType::F32, {cols}, std::as_bytes(std::span(ridge))}));
    inputs.diagonal.assign(static_cast<std::size_t>(cols), 1.1f);  // about G Gᵀ/256's + 0.1
    inputs.count = 4096;
    backend->synchronize();
  }
};

void run_optimizer(benchmark::State& state, const std::string& backend_name,
                   const std::string& optimizer_name, bool int8) {
  const auto factory = registry().backend(backend_name);
  if (!factory || !factory->probe().available) {
    state.SkipWithError((backend_name + " backend not available here").c_str());
    return;
  }
  Problem problem(backend_name, state.range(0), state.range(1), int8);
  const auto optimizer = create(registry().optimizer(optimizer_name));
  for (auto _ : state) {
    const lrq::RoundingResult result =
        optimizer->optimize({*problem.backend, problem.info, problem.weight, problem.quantization,
                             1, false, &problem.inputs});
    problem.backend->synchronize();
    benchmark::DoNotOptimize(result.grid_values.data);
  }
}

void register_all() {
  for (const char* backend : {"cpu", "cuda", "cublaslt"}) {
    for (const bool int8 : {false, true}) {
      for (const char* optimizer : {"rtn", "gptq"}) {
        const std::string name = std::string("DataAware/") + backend + "/" +
                                 (int8 ? "int8_block128" : "fp8_tensor") + "/" + optimizer;
        benchmark::RegisterBenchmark(name.c_str(), [=](benchmark::State& state) {
          run_optimizer(state, backend, optimizer, int8);
        })
            ->ArgNames({"rows", "cols"})
            ->Args({3072, 3072})
            ->Args({12288, 3072})
            ->Unit(benchmark::kMillisecond)
            ->UseRealTime()
            ->MinWarmUpTime(0.2);
      }
    }
  }
}

const bool kRegistered = (register_all(), true);

}  // namespace
