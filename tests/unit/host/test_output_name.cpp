// The output name derived from the input and the choices, when none is given.
#include <gtest/gtest.h>

#include "recipe/output_name.hpp"
#include "support/temp_dir.hpp"

namespace lrq::host {
namespace {

Options options_of(const std::vector<std::pair<std::string, OptionValue>>& values) {
  Options options;
  for (const auto& [name, value] : values)
    options.set(name, value);
  return options;
}

TEST(OutputName, TheFormatTagNamesWhatTheWeightsAre) {
  const std::vector<std::tuple<std::string, Options, std::string>> cases = {
      {"fp8", options_of({{"scale", "tensor"}, {"block_size", std::int64_t{128}}}), "fp8"},
      {"fp8", options_of({{"scale", "row"}, {"block_size", std::int64_t{128}}}), "fp8-row"},
      {"fp8", options_of({{"scale", "block"}, {"block_size", std::int64_t{64}}}), "fp8-block64"},
      {"fp8", options_of({{"scale", "tensor"}, {"input_scale", true}}), "fp8"},
      {"int8_block", options_of({{"scale", "block"}, {"block_size", std::int64_t{128}}}),
       "int8-block128"},
      {"int8_block", options_of({{"scale", "tensor"}, {"block_size", std::int64_t{128}}}), "int8"},
      {"int8_block", options_of({{"scale", "row"}, {"block_size", std::int64_t{64}}}), "int8-row"},
      {"fp8_e5m2", options_of({{"input_scale", false}}), "fp8e5m2"},
      {"mxfp8", options_of({{"full_precision_matrix_mult", true}}), "mxfp8"},
      {"nvfp4", {}, "nvfp4"},
      {"fp8_clip", options_of({{"clip", 0.9}}), "fp8-clip"},
  };
  for (const auto& [format, options, tag] : cases)
    EXPECT_EQ(format_tag(format, options), tag) << format;
}

TEST(OutputName, BesideTheInputWithTheOptimizerUnlessRtn) {
  const Options fp8 = options_of({{"scale", "tensor"}});
  EXPECT_EQ(derived_output_path("/models/flux1-dev.safetensors", "fp8", fp8, "rtn"),
            "/models/flux1-dev-fp8.safetensors");
  EXPECT_EQ(derived_output_path("/models/flux1-dev.safetensors", "int8_block",
                                options_of({{"scale", "block"}, {"block_size", std::int64_t{128}}}),
                                "gptq"),
            "/models/flux1-dev-int8-block128-gptq.safetensors");
  EXPECT_EQ(derived_output_path("m.sft", "fp8", fp8, "adamw"), "m-fp8-adamw.safetensors");
}

TEST(OutputName, AHighPrecisionDtypeTagIsReplaced) {
  const Options fp8 = options_of({{"scale", "tensor"}});
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"flux1-dev-bf16.safetensors", "flux1-dev-fp8.safetensors"},
      {"t5xxl_fp16.safetensors", "t5xxl-fp8.safetensors"},
      {"model.F32.safetensors", "model-fp8.safetensors"},
      {"wan_BFloat16.safetensors", "wan-fp8.safetensors"},
      {"model-fp8.safetensors", "model-fp8-fp8.safetensors"},  // not a high-precision tag
      {"notbf16.safetensors", "notbf16-fp8.safetensors"},      // no separator before it
      {"bf16.safetensors", "bf16-fp8.safetensors"},            // nothing would be left
  };
  for (const auto& [input, output] : cases)
    EXPECT_EQ(derived_output_path(input, "fp8", fp8, "rtn"), output) << input;
}

}  // namespace
TEST(OutputName, AShardedModelIsNamedAfterItsIndexOrItsDirectory) {
  const Options fp8 = options_of({{"scale", "tensor"}});
  EXPECT_EQ(derived_output_path("/models/t5/model.safetensors.index.json", "fp8", fp8, "rtn"),
            "/models/t5/model-fp8.safetensors");
  const test::TempDir temp;
  const std::filesystem::path shards = temp.make_directory("flux1-dev-bf16");
  EXPECT_EQ(derived_output_path(shards, "fp8", fp8, "rtn"),
            temp.path() / "flux1-dev-fp8.safetensors");
  EXPECT_EQ(derived_output_path(shards.string() + "/", "fp8", fp8, "gptq"),
            temp.path() / "flux1-dev-fp8-gptq.safetensors");
}

}  // namespace lrq::host
