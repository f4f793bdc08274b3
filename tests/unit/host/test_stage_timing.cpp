// Stage timing: the innermost scope of each thread gets the time, nothing is recorded without
// profiling, and the profiling decorator counts matrix products in the caller's stage.
#include <gtest/gtest.h>

#include <chrono>
#include <span>
#include <thread>
#include <vector>

#include "lrq/stages.hpp"
#include "pipeline/configured_plugins.hpp"
#include "profile/profiling_backend.hpp"
#include "recipe/recipe.hpp"

namespace lrq::host {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono_literals::operator""ms;

TEST(StageTiming, TheInnermostScopeGetsTheTimeAndNothingIsCountedTwice) {
  const StageProfiling profiling;
  const Clock::time_point start = Clock::now();
  {
    const StageScope optimize(Stage::optimize);
    std::this_thread::sleep_for(20ms);
    const StageScope download(Stage::download);
    std::this_thread::sleep_for(20ms);
  }
  const double wall = std::chrono::duration<double>(Clock::now() - start).count();
  const StageTotals totals = profiling.totals();
  EXPECT_GE(totals.seconds_in(Stage::optimize), 0.02);
  EXPECT_GE(totals.seconds_in(Stage::download), 0.02);
  EXPECT_LE(totals.seconds_in(Stage::optimize) + totals.seconds_in(Stage::download), wall);
  EXPECT_EQ(totals.seconds_in(Stage::svd), 0.0);
}

TEST(StageTiming, EachThreadHasItsOwnStage) {
  const StageProfiling profiling;
  const StageScope write(Stage::write);
  std::thread reader([] {
    const StageScope read(Stage::read);
    std::this_thread::sleep_for(20ms);
  });
  reader.join();
  const StageTotals totals = profiling.totals();
  EXPECT_GE(totals.seconds_in(Stage::read), 0.02);
  EXPECT_EQ(totals.seconds_in(Stage::write), 0.0);  // its scope is still open
}

TEST(StageTiming, WithoutProfilingNothingIsRecorded) {
  {
    const StageScope svd(Stage::svd);
    count_gemm_flops(1e9);
  }
  const StageProfiling profiling;
  const StageTotals totals = profiling.totals();
  for (std::size_t i = 0; i < kStageCount; ++i) {
    EXPECT_EQ(totals.seconds[i], 0.0);
    EXPECT_EQ(totals.gemm_flops[i], 0.0);
  }
}

TEST(StageTiming, TheProfilingBackendCountsGemmFlopsInTheCurrentStage) {
  Recipe recipe;
  recipe.backend = {"backend", "cpu", {"test", 0, 0}, {}};
  recipe.format = {"format", "fp8", {"test", 0, 0}, {}};
  recipe.optimizer = {"optimizer", "rtn", {"test", 0, 0}, {}};
  recipe.model = {"model", "generic", {"test", 0, 0}, {}};
  PluginRegistry registry;
  load_recipe_plugins(recipe, {LRQ_TEST_PLUGIN_DIRECTORY}, registry);
  const std::unique_ptr<Backend> cpu =
      std::move(configure_backend(recipe, registry).workers.front());

  const StageProfiling profiling;
  ProfilingBackend backend(*cpu);
  const DeviceTensor a = backend.zeros({3, 5});  // used transposed: [5, 3]
  const DeviceTensor b = backend.zeros({3, 7});
  DeviceTensor c = backend.zeros({5, 7});
  const std::vector<float> identity{1.0f, 0.0f, 0.0f, 1.0f};
  const DeviceTensor lower =
      backend.upload(TensorView{DType::F32, {2, 2}, std::as_bytes(std::span(identity))});
  {
    const StageScope svd(Stage::svd);
    backend.gemm(1.0f, a, Transpose::yes, b, Transpose::no, 0.0f, c);
  }
  {
    const StageScope optimize(Stage::optimize);
    backend.solve_lower_transposed(backend.zeros({9, 2}), lower);  // m·n² = 9·2·2
  }
  const StageTotals totals = profiling.totals();
  EXPECT_EQ(totals.gemm_flops_in(Stage::svd), 2.0 * 5 * 7 * 3);
  EXPECT_EQ(totals.gemm_flops_in(Stage::optimize), 9.0 * 2 * 2);
}

}  // namespace
}  // namespace lrq::host
