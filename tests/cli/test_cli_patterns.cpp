// Override patterns on hostile input: a tensor name of a megabyte and a pattern nested 30000 deep
// do not crash the host (std::regex recursed once per character or group and ran out of stack on
// both); a pattern beyond RE2's budget or the length limit is a recipe error naming the rule.
#include "cli_test.hpp"
#include "support/raw_safetensors.hpp"

namespace lrq::test {
namespace {

constexpr int kRecipe = 4;

class CliPatterns : public CliTest {
 protected:
  std::filesystem::path recipe_matching(const std::string& pattern) {
    const auto recipe = file("recipe.yaml");
    write_file(recipe, "format: fp8\nmodel: generic\noverrides:\n  - match: '" + pattern +
                           "'\n    skip: true\n");
    return recipe;
  }
};

TEST_F(CliPatterns, AMegabyteNameWithAnOrdinaryPatternConverts) {
  const std::string long_layer = "blocks." + std::string(1 << 20, 'x');
  const auto model = write_model(
      "model.safetensors",
      {{long_layer + ".weight", DType::F32, {64, 64}}, {"blocks.0.weight", DType::F32, {64, 64}}});
  const auto output = file("out.safetensors");
  const HostRun run =
      convert(model, output, {"--quiet"}, {}, recipe_matching("^blocks\\..*x$").string());
  ASSERT_EQ(run.exit_code, 0) << run.err.substr(0, 2000);
  const SafetensorsReader written(output);
  EXPECT_EQ(written.find(long_layer + ".weight")->info.dtype, DType::F32);  // skipped
  EXPECT_EQ(written.find("blocks.0.weight")->info.dtype, DType::F8_E4M3);
}

TEST_F(CliPatterns, ADeeplyNestedPatternIsMatched) {
  const auto model = write_model("model.safetensors", {{"a.weight", DType::F32, {64, 64}}});
  const auto output = file("out.safetensors");
  const std::string nested = std::string(30'000, '(') + "a" + std::string(30'000, ')');
  const HostRun run = convert(model, output, {"--quiet"}, {}, recipe_matching(nested).string());
  ASSERT_EQ(run.exit_code, 0) << run.err.substr(0, 2000);
  EXPECT_EQ(SafetensorsReader(output).find("a.weight")->info.dtype, DType::F32);  // skipped
}

TEST_F(CliPatterns, ATooLargePatternIsARecipeErrorNamingTheRule) {
  const auto model = write_model("model.safetensors", {{"a.weight", DType::F32, {64, 64}}});
  const auto output = file("out.safetensors");
  std::string large;
  for (int i = 0; i < 300; ++i)
    large += ".{1000}";
  const std::string deep = std::string(1'000'000, '(') + "a" + std::string(1'000'000, ')');
  const std::vector<std::pair<std::string, std::string>> cases = {
      {large, "'" + large.substr(0, 80) + "...': pattern too large - compile failed\n"},
      {deep, "'" + std::string(80, '(') + "...': longer than 65536 bytes\n"},
  };
  for (const auto& [pattern, reason] : cases) {
    const HostRun run = convert(model, output, {}, {}, recipe_matching(pattern).string());
    EXPECT_EQ(run.exit_code, kRecipe) << run.err;
    EXPECT_EQ(run.err, "error: " + file("recipe.yaml").string() +
                           ":4:5: overrides[0].match: invalid regex " + reason);
  }
}

TEST_F(CliPatterns, WhatRe2LacksIsARecipeErrorNamingTheRule) {
  const auto model = write_model("model.safetensors", {{"a.weight", DType::F32, {64, 64}}});
  const auto output = file("out.safetensors");
  for (const std::string& pattern : {std::string("(a)\\1"), std::string("a(?=b)")}) {
    const HostRun run = convert(model, output, {}, {}, recipe_matching(pattern).string());
    EXPECT_EQ(run.exit_code, kRecipe) << run.err;
    EXPECT_TRUE(contains(run.err, ":4:5: overrides[0].match: invalid regex '")) << run.err;
  }
}

}  // namespace
}  // namespace lrq::test
