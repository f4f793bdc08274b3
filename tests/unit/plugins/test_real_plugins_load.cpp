#include <gtest/gtest.h>

#include "real_plugins.hpp"

namespace lrq::test {
namespace {

TEST(RealPlugins, AllLoadWithoutRejections) {
  const host::PluginRegistry& registry = real_plugins();
  for (const host::PluginRejection& rejection : registry.rejections()) {
    ADD_FAILURE() << rejection.path << ": " << rejection.reason;
  }
  using host::PluginKind;
  EXPECT_EQ(registry.names(PluginKind::format),
            (std::vector<std::string>{"fp8", "fp8_e5m2", "int8_block", "mxfp8", "nvfp4"}));
  EXPECT_EQ(registry.names(PluginKind::optimizer),
            (std::vector<std::string>{"adamw", "gptq", "original", "radam", "rtn"}));
  EXPECT_EQ(registry.names(PluginKind::model), (std::vector<std::string>{"anima",
                                                                         "boogu",
                                                                         "distillation_large",
                                                                         "distillation_small",
                                                                         "flux",
                                                                         "flux2",
                                                                         "gemma4",
                                                                         "generic",
                                                                         "generic_text",
                                                                         "hunyuan",
                                                                         "ideogram4",
                                                                         "krea2",
                                                                         "lens",
                                                                         "ltxv2",
                                                                         "mistral",
                                                                         "nerf_large",
                                                                         "nerf_small",
                                                                         "qwen",
                                                                         "qwen35",
                                                                         "radiance",
                                                                         "t5xxl",
                                                                         "visual",
                                                                         "wan",
                                                                         "zimage",
                                                                         "zimage_refiner"}));
  const std::vector<std::string> backends =
      LRQ_TEST_CUDA_BACKENDS ? std::vector<std::string>{"cpu", "cublaslt", "cuda"}
                             : std::vector<std::string>{"cpu"};
  EXPECT_EQ(registry.names(PluginKind::backend), backends);
}

// What a recipe may ask of a plugin is bounded: an integer option (a count of iterations, a rank,
// a block size) without a maximum would let a recipe ask for more than any machine has.
TEST(RealPlugins, EveryIntegerOptionHasAMaximum) {
  const host::PluginRegistry& registry = real_plugins();
  using host::PluginKind;
  const auto check = [](const std::string& plugin, const OptionsSchema& schema) {
    for (const OptionSpec& spec : schema.specs()) {
      if (spec.type == OptionType::integer && spec.choices.empty()) {
        EXPECT_TRUE(spec.maximum) << plugin << "." << spec.name;
      }
    }
  };
  for (const std::string& name : registry.names(PluginKind::format))
    check(name, registry.format(name)->schema());
  for (const std::string& name : registry.names(PluginKind::optimizer))
    check(name, registry.optimizer(name)->schema());
  for (const std::string& name : registry.names(PluginKind::model))
    check(name, registry.model_profile(name)->schema());
  for (const std::string& name : registry.names(PluginKind::backend))
    check(name, registry.backend(name)->schema());
}

}  // namespace
}  // namespace lrq::test
