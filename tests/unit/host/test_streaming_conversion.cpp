// The streaming converter (prefetch and writer threads), and the converter with several workers
// (one backend each), write the same bytes and report the same layers as the conversion done on
// one thread, for learned rounding with bias correction.
#include <gtest/gtest.h>

#include "lrq/error.hpp"
#include "lrq/safetensors.hpp"
#include "models/synthetic_model.hpp"
#include "pipeline/configured_plugins.hpp"
#include "pipeline/conversion_plan.hpp"
#include "pipeline/converter.hpp"
#include "recipe/overrides.hpp"
#include "support/bad_layer_model.hpp"
#include "support/raw_safetensors.hpp"
#include "support/temp_dir.hpp"

namespace lrq::host {
namespace {

class StreamingConversion : public ::testing::Test {
 protected:
  StreamingConversion() {
    write_synthetic_model(synthetic_model("tiny-flux"), DType::BF16, 0, model_);
  }

  ConversionResult convert_with(bool streaming, const std::filesystem::path& output,
                                std::size_t workers = 1) {
    return convert_model(model_, streaming, output, workers);
  }

  static ConversionResult convert_model(const std::filesystem::path& model, bool streaming,
                                        const std::filesystem::path& output, std::size_t workers) {
    Recipe recipe =
        load_recipe(std::filesystem::path(LRQ_TEST_SOURCE_DIRECTORY) / "configs/original-fp8.yaml");
    RecipeOverrides overrides;
    overrides.input = model;
    overrides.output = output;
    // Small enough to be quick; the point is the plumbing, with every stage in play.
    overrides.sets = {"optimizer.rank=8", "optimizer.num_iter=20",
                      "optimizer.svd_power_iterations=1", "backend.threads=1"};
    apply_overrides(recipe, overrides);
    PluginRegistry registry;
    load_recipe_plugins(recipe, {LRQ_TEST_PLUGIN_DIRECTORY}, registry);
    std::vector<std::unique_ptr<Backend>> backends;
    std::vector<Backend*> pointers;
    for (std::size_t i = 0; i < workers; ++i) {
      backends.push_back(std::move(configure_backend(recipe, registry).workers.front()));
      pointers.push_back(backends.back().get());
    }
    const QuantizationRoutes routes = configure_routes(recipe, registry);
    const Checkpoint input(recipe.input);
    const SelectedProfile profile = select_profile(recipe, registry, model_index(input));
    const ConversionPlan plan = make_plan(input, profile, routes, recipe.bias_correction);
    ConversionSettings settings{recipe.seed, recipe.reference_compat, true, 256};
    settings.streaming = streaming;
    StagedFiles staged(output);
    ConversionResult result = convert(input, plan, pointers, settings, staged);
    staged.commit();
    return result;
  }

  test::TempDir directory_;
  const std::filesystem::path model_ = directory_.file("tiny-flux.safetensors");
};

void expect_same_conversion(const ConversionResult& sequential, const ConversionResult& streamed) {
  EXPECT_EQ(test::read_file(sequential.output), test::read_file(streamed.output));
  ASSERT_EQ(sequential.layers.size(), streamed.layers.size());
  std::size_t corrected = 0;
  for (std::size_t i = 0; i < streamed.layers.size(); ++i) {
    const LayerOutcome& a = sequential.layers[i];
    const LayerOutcome& b = streamed.layers[i];
    EXPECT_EQ(a.tensor.name, b.tensor.name);
    EXPECT_EQ(a.action, b.action) << a.tensor.name;
    EXPECT_EQ(a.iterations, b.iterations) << a.tensor.name;
    EXPECT_EQ(a.bias_corrected, b.bias_corrected) << a.tensor.name;
    if (a.action == LayerAction::quantize) {
      EXPECT_EQ(a.result.weight, b.result.weight) << a.tensor.name;
      EXPECT_EQ(a.result.output, b.result.output) << a.tensor.name;
    }
    corrected += b.bias_corrected ? 1 : 0;
  }
  EXPECT_GT(corrected, 0u);
}

TEST_F(StreamingConversion, WritesWhatTheSequentialConversionWrites) {
  const ConversionResult sequential =
      convert_with(false, directory_.file("sequential.safetensors"));
  expect_same_conversion(sequential, convert_with(true, directory_.file("streamed.safetensors")));
}

// Two and three workers over tiny-flux's layers: shares of unequal length, each worker with layers
// of several shapes, so hand-over order and per-worker calibration inputs both matter.
TEST_F(StreamingConversion, WorkersWriteWhatTheSequentialConversionWrites) {
  const ConversionResult sequential =
      convert_with(false, directory_.file("sequential.safetensors"));
  expect_same_conversion(sequential, convert_with(true, directory_.file("two.safetensors"), 2));
  expect_same_conversion(sequential, convert_with(true, directory_.file("three.safetensors"), 3));
  expect_same_conversion(sequential,
                         convert_with(false, directory_.file("unstreamed.safetensors"), 2));
}

// A layer that fails on one worker while the others are converting, uploading and waiting to hand
// over: the run stops with that layer's error and nothing is committed.
TEST_F(StreamingConversion, AWorkerThatFailsStopsTheRun) {
  const auto model = test::model_with_a_bad_layer(directory_.file("bad.safetensors"), 12, 6);
  for (const std::size_t workers : {2u, 3u}) {
    const auto output = directory_.file("out-" + std::to_string(workers) + ".safetensors");
    try {
      convert_model(model, true, output, workers);
      ADD_FAILURE() << workers << " workers converted a layer with a NaN";
    } catch (const Error& error) {
      EXPECT_EQ(std::string(error.what()),
                "tensor 'blocks.6.proj.weight' contains NaN or infinite values");
    }
    EXPECT_FALSE(std::filesystem::exists(output));
  }
}

}  // namespace
}  // namespace lrq::host
