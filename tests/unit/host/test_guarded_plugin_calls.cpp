#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "lrq/error.hpp"
#include "plugin_registry.hpp"
#include "unit/host/caught_error.hpp"
#include "unit/host/plugin_fixtures.hpp"

namespace lrq::host {
namespace {

namespace fs = std::filesystem;

std::vector<std::byte> bytes_of(const std::vector<float>& values) {
  std::vector<std::byte> bytes(values.size() * sizeof(float));
  std::memcpy(bytes.data(), values.data(), bytes.size());
  return bytes;
}

std::vector<float> floats_at(const void* data, std::size_t count) {
  std::vector<float> values(count);
  std::memcpy(values.data(), data, count * sizeof(float));
  return values;
}

// The good fixture plugin as built by the host's compiler, and by clang: the calls, the objects and
// the exceptions that cross work the same whichever compiler built the plugin.
struct GoodPluginBuild {
  std::string compiler;
  fs::path directory;
  bool built = true;
};

class GuardedPluginCalls : public ::testing::TestWithParam<GoodPluginBuild> {
 protected:
  void SetUp() override {
    if (!GetParam().built) GTEST_SKIP() << test::no_clang_fixtures;
    registry.load({GetParam().directory}, test::only({"good"}));
    ASSERT_EQ(registry.libraries().size(), 1u);
  }

  std::string attribution() const {
    return "plugin 'good' (" + (GetParam().directory / "liblrq-format-good.so").string() + "): ";
  }

  std::unique_ptr<Format> format_failing_with(const std::string& fail) const {
    const auto factory = registry.format("good");
    Options options = Options::defaults(factory->schema());
    options.set("fail", fail);
    return factory->create(options);
  }
  std::unique_ptr<Backend> backend() const { return registry.backend("good")->create(Options{}); }

  PluginRegistry registry;
  const TensorInfo weight{"layer.weight", DType::F32, {2, 2}};
};

TEST_P(GuardedPluginCalls, ProductsAreGuarded) {
  EXPECT_NE(dynamic_cast<GuardedFormat*>(format_failing_with("none").get()), nullptr);
  EXPECT_NE(dynamic_cast<GuardedBackend*>(backend().get()), nullptr);
  EXPECT_NE(dynamic_cast<GuardedOptimizer*>(registry.optimizer("good")->create({}).get()), nullptr);
  EXPECT_NE(dynamic_cast<GuardedModelProfile*>(registry.model_profile("good")->create({}).get()),
            nullptr);
}

TEST_P(GuardedPluginCalls, ForwardCallsToThePlugin) {
  const auto factory = registry.format("good");
  ASSERT_EQ(factory->schema().specs().size(), 1u);
  EXPECT_EQ(factory->schema().specs()[0].name, "fail");

  const auto format = format_failing_with("none");
  EXPECT_EQ(format->comfy_format(), "good_int8");
  EXPECT_TRUE(format->accepts(weight).accepted);
  EXPECT_EQ(format->accepts({"bias", DType::F32, {2}}).reason, "expected a 2-D weight");
  ASSERT_EQ(format->plan("layer", weight).tensors.size(), 2u);
  EXPECT_EQ(format->plan("layer", weight).tensors[1].name, "layer.weight_scale");

  EXPECT_TRUE(registry.backend("good")->probe().available);
  EXPECT_EQ(backend()->info().name, "good");

  const auto profile = registry.model_profile("good")->create({});
  const ModelIndex model({weight, {"layer.bias", DType::F32, {2}}});
  EXPECT_EQ(profile->detect(model).score, 1);
  EXPECT_EQ(profile->classify(weight, model).action, LayerAction::quantize);
}

TEST_P(GuardedPluginCalls, QuantizeALayerThroughEveryKind) {
  const auto format = format_failing_with("none");
  const auto optimizer = registry.optimizer("good")->create({});
  const auto device = backend();
  const std::vector<std::byte> host = bytes_of({1.0f, -2.0f, 0.5f, 4.0f});

  const DeviceTensor weight_f32 = device->upload({DType::F32, {2, 2}, host});
  const LayerQuantization quantization = format->prepare(*device, weight, weight_f32);
  const RoundingResult rounded =
      optimizer->optimize({*device, weight, weight_f32, quantization, 1});
  const std::vector<EncodedTensor> encoded =
      format->encode(*device, "layer", rounded.grid_values, quantization);

  EXPECT_EQ(rounded.stop_reason, "round-to-nearest");
  // 127 / 4 = 31.75 per unit: 31.75, -63.5, 15.875, 127 round to nearest (even).
  EXPECT_EQ(floats_at(rounded.grid_values.data, 4), (std::vector<float>{32, -64, 16, 127}));
  ASSERT_EQ(encoded.size(), 2u);
  EXPECT_EQ(encoded[0].info.name, "layer.weight");
  EXPECT_EQ(encoded[0].bytes, (std::vector<std::byte>{std::byte{32}, std::byte{0xC0}, std::byte{16},
                                                      std::byte{127}}));
  EXPECT_EQ(floats_at(encoded[1].bytes.data(), 1), std::vector<float>{4.0f / 127.0f});
}

TEST_P(GuardedPluginCalls, TurnAStandardExceptionIntoAPluginError) {
  const auto format = format_failing_with("runtime_error");
  const Error error = test::caught_error([&] { format->accepts(weight); });
  EXPECT_EQ(error.category(), ErrorCategory::plugin);
  EXPECT_EQ(error.what(), attribution() + "accepts failed on purpose");
}

TEST_P(GuardedPluginCalls, TurnANonStandardThrowIntoAPluginError) {
  const auto format = format_failing_with("int");
  const Error error = test::caught_error([&] { format->plan("layer", weight); });
  EXPECT_EQ(error.category(), ErrorCategory::plugin);
  EXPECT_EQ(error.what(), attribution() + "threw a non-standard exception");
}

TEST_P(GuardedPluginCalls, AttributeInternalErrorsToThePlugin) {
  const auto format = format_failing_with("internal_error");
  const Error error = test::caught_error([&] { format->accepts(weight); });
  EXPECT_EQ(error.category(), ErrorCategory::internal);
  EXPECT_EQ(error.what(), attribution() + "an internal error on purpose");
}

TEST_P(GuardedPluginCalls, PassRecipeErrorsThroughUnchanged) {
  const auto format = format_failing_with("recipe_error");
  const Error error = test::caught_error([&] { format->accepts(weight); });
  EXPECT_EQ(error.category(), ErrorCategory::recipe);
  EXPECT_STREQ(error.what(), "fail: a recipe error on purpose");
}

TEST_P(GuardedPluginCalls, GuardTheFactoryToo) {
  const Error error = test::caught_error([&] { format_failing_with("create"); });
  EXPECT_EQ(error.category(), ErrorCategory::plugin);
  EXPECT_EQ(error.what(), attribution() + "create failed on purpose");
}

TEST_P(GuardedPluginCalls, PassUnsupportedErrorsFromTheBackendThrough) {
  const auto device = backend();
  const std::vector<std::byte> host(4);
  const DeviceTensor codes = device->upload({DType::I8, {4}, host});
  const Error error = test::caught_error([&] { device->to_f32(codes); });
  EXPECT_EQ(error.category(), ErrorCategory::unsupported);
  EXPECT_STREQ(error.what(), "the good fixture backend computes on F32 only");
}

INSTANTIATE_TEST_SUITE_P(
    Compilers, GuardedPluginCalls,
    ::testing::Values(GoodPluginBuild{"HostCompiler", test::fixture_plugin_directory},
                      GoodPluginBuild{"Clang", test::clang_fixture_plugin_directory,
                                      !test::clang_fixture_compiler.empty()}),
    [](const auto& test_case) { return test_case.param.compiler; });

TEST(GuardedLifetime, AProductOutlivesTheRegistryAndKeepsItsLibrary) {
  std::weak_ptr<const LoadedLibrary> library;
  std::unique_ptr<Format> format;
  {
    PluginRegistry registry;
    registry.load({test::fixture_plugin_directory}, test::only({"good"}));
    library = registry.libraries().at(0);
    const auto factory = registry.format("good");
    format = factory->create(Options::defaults(factory->schema()));
  }

  EXPECT_FALSE(library.expired());
  EXPECT_EQ(format->description(), "good fixture: int8, per-tensor scale");
  format.reset();
  EXPECT_TRUE(library.expired());
}

TEST(GuardedLifetime, ADeviceTensorOutlivesItsBackendAndKeepsItsLibrary) {
  std::weak_ptr<const LoadedLibrary> library;
  DeviceTensor tensor;
  {
    PluginRegistry registry;
    registry.load({test::fixture_plugin_directory}, test::only({"good"}));
    library = registry.libraries().at(0);
    const std::vector<std::byte> host = bytes_of({1.5f, -2.5f});
    tensor = registry.backend("good")->create({})->upload({DType::F32, {2}, host});
  }

  EXPECT_FALSE(library.expired());
  EXPECT_EQ(floats_at(tensor.data, 2), (std::vector<float>{1.5f, -2.5f}));
  tensor = {};
  EXPECT_TRUE(library.expired());
}

TEST(GuardedLifetime, AFactoryOutlivesTheRegistry) {
  std::shared_ptr<const GuardedOptimizerFactory> factory;
  {
    PluginRegistry registry;
    registry.load({test::fixture_plugin_directory}, test::only({"good"}));
    factory = registry.optimizer("good");
  }
  EXPECT_EQ(factory->description(), "fixture: the simplest working plugin");
  EXPECT_EQ(factory->library()->name, "good");
}

}  // namespace
}  // namespace lrq::host
