// The recipe's `overrides:` rules and the host keys of its model section: what they turn into, and
// for every kind of mistake the exact message with the file, line, column and rule.
#include "recipe_test.hpp"

namespace lrq::host {
namespace {

const std::string kPaths = "input: a\noutput: b\nformat: {name: fp8, scale: row}\n";

TEST_F(RecipeTest, ReadsOverrideRulesInTheirOrder) {
  const Recipe recipe =
      load_recipe(write(kPaths + "overrides:\n"
                                 "  - match: img_mlp\n"
                                 "    format: {name: int8_block, block_size: 64}\n"
                                 "  - {match: 'final_layer', skip: true}\n"
                                 "  - match: \"blocks\\\\.1\\\\.\"\n"
                                 "    optimizer: original\n"));
  ASSERT_EQ(recipe.overrides.size(), 3u);
  const LayerOverride& first = recipe.overrides[0];
  EXPECT_EQ(first.label(), "override[0] 'img_mlp'");
  EXPECT_EQ(first.location.line, 5);
  EXPECT_EQ(first.location.column, 5);
  ASSERT_TRUE(first.format);
  EXPECT_EQ(first.format->section, "overrides[0].format");
  EXPECT_EQ(first.format->name, "int8_block");
  ASSERT_EQ(first.format->options.size(), 1u);
  EXPECT_EQ(first.format->options[0].key, "block_size");
  EXPECT_FALSE(first.optimizer);
  EXPECT_FALSE(first.skip);
  EXPECT_TRUE(recipe.overrides[1].skip);
  EXPECT_EQ(recipe.overrides[2].pattern, "blocks\\.1\\.");
  EXPECT_EQ(recipe.overrides[2].optimizer->name, "original");
}

TEST_F(RecipeTest, AMatchIsAnUnanchoredRegexOnTheLayerName) {
  const Recipe recipe = load_recipe(
      write(kPaths + "overrides: [{match: 'blocks\\.1\\.(img|txt)_mlp', skip: true}]\n"));
  const LayerOverride& rule = recipe.overrides.at(0);
  EXPECT_TRUE(rule.matches("double_blocks.1.img_mlp.0"));
  EXPECT_TRUE(rule.matches("model.diffusion_model.double_blocks.1.txt_mlp.2"));
  EXPECT_FALSE(rule.matches("double_blocks.11.img_mlp.0"));
  EXPECT_FALSE(rule.matches("double_blocks.1.img_attn.qkv"));
}

TEST_F(RecipeTest, EachOverrideMistakeNamesItsRuleAndLine) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"overrides:\n  - {match: img, skip: true}\n  - match: '('\n    skip: true\n",
       ":6:5: overrides[1].match: invalid regex '(': "},
      {"overrides:\n  - match: img\n    fromat: fp8\n",
       ":6:5: overrides[0]: unknown key 'fromat' (did you mean 'format'?); rule keys: match, "
       "format, optimizer, skip"},
      {"overrides:\n  - match: img\n",
       ":5:5: overrides[0]: the rule sets nothing; give format, "
       "optimizer or skip: true"},
      {"overrides:\n  - {match: img, skip: false}\n",
       ":5:5: overrides[0]: the rule sets nothing; give format, optimizer or skip: true"},
      {"overrides:\n  - {match: img, skip: true, format: fp8}\n",
       ":5:5: overrides[0]: 'skip: true' keeps the layers unquantized; it cannot go with format "
       "or optimizer"},
      {"overrides:\n  - {format: fp8}\n", ":5:5: overrides[0]: missing key 'match'"},
      {"overrides:\n  - {match: img, skip: maybe}\n",
       ":5:18: overrides[0].skip: must be true or false, got 'maybe'"},
      {"overrides:\n  - {match: img, format: {scale: row}}\n",
       ":5:18: overrides[0].format: missing key 'name'"},
      {"overrides:\n  - {match: img, match: mlp, skip: true}\n",
       ":5:18: overrides[0]: duplicate key 'match'"},
      {"overrides:\n  - {match: [img], skip: true}\n",
       ":5:6: 'overrides[0].match' needs a value, got a list"},
      {"overrides:\n  - img_mlp\n",
       ":5:5: overrides[0]: a rule is a map with 'match' and format, optimizer or skip, got "
       "'img_mlp'"},
      {"overrides: {match: img}\n",
       ":4:1: 'overrides' must be a list of rules (maps with 'match' and format, optimizer or "
       "skip), got a map"},
  };
  for (const auto& [text, expected] : cases)
    EXPECT_TRUE(error_of(kPaths + text).starts_with(expected)) << text << error_of(kPaths + text);
}

TEST_F(RecipeTest, TheModelSectionsHostKeysAreNotProfileOptions) {
  Recipe recipe = load_recipe(
      write(kPaths +
            "model: {profile: flux, strict: true, heuristics: yes, heuristics_block_size: 32}\n"));
  EXPECT_EQ(recipe.model.name, "flux");
  EXPECT_TRUE(recipe.model.options.empty());
  EXPECT_TRUE(recipe.strict_profile);
  EXPECT_TRUE(recipe.heuristics);
  EXPECT_EQ(recipe.heuristics_block_size, 32u);

  RecipeOverrides overrides;
  overrides.model = "generic";  // another profile keeps the host keys
  overrides.sets = {"model.strict=false", "model.heuristics_block_size=0"};
  apply_overrides(recipe, overrides);
  EXPECT_EQ(recipe.model.name, "generic");
  EXPECT_FALSE(recipe.strict_profile);
  EXPECT_TRUE(recipe.heuristics);
  EXPECT_EQ(recipe.heuristics_block_size, 0u);
}

TEST_F(RecipeTest, BadModelHostKeysAreErrors) {
  EXPECT_EQ(error_of(kPaths + "model: {profile: auto, strict: maybe}\n"),
            ":4:24: 'strict' must be true or false, got 'maybe'");
  EXPECT_EQ(error_of(kPaths + "model: {profile: auto, heuristics_block_size: -64}\n"),
            ":4:24: 'heuristics_block_size' must be an integer from 0 to 1048576, got '-64'");
  EXPECT_EQ(error_of(kPaths + "model: {profile: auto, heuristics: [1]}\n"),
            ":4:24: 'model.heuristics' needs a value, got a list");
  RecipeOverrides overrides;
  overrides.sets = {"model.heuristics=sometimes"};
  EXPECT_EQ(error_of(kPaths, overrides),
            "command line (--set model.heuristics=sometimes): 'heuristics' must be true or false, "
            "got 'sometimes'");
}

}  // namespace
}  // namespace lrq::host

namespace lrq::host {
namespace {

TEST_F(RecipeTest, ReadsTheCalibrationSectionWithPathsRelativeToTheRecipe) {
  const Recipe recipe = load_recipe(
      write(kPaths +
            "calibration:\n  stats: stats/fit.safetensors\n  holdout: /data/held.safetensors\n"
            "  missing: rtn\n"));
  EXPECT_EQ(recipe.calibration.stats, directory_.path() / "stats" / "fit.safetensors");
  EXPECT_EQ(recipe.calibration.stats_location.line, 5);
  EXPECT_EQ(recipe.calibration.holdout, "/data/held.safetensors");
  EXPECT_EQ(recipe.calibration.missing, MissingStatistics::rtn);
  EXPECT_EQ(load_recipe(write(kPaths)).calibration.missing, MissingStatistics::error);
  EXPECT_TRUE(load_recipe(write(kPaths)).calibration.stats.empty());
}

TEST_F(RecipeTest, SetChangesACalibrationKeyRelativeToTheWorkingDirectory) {
  Recipe recipe = load_recipe(write(kPaths + "calibration: {stats: a.safetensors}\n"));
  RecipeOverrides overrides;
  overrides.sets = {"calibration.stats=run/b.safetensors", "calibration.missing=rtn"};
  apply_overrides(recipe, overrides);
  EXPECT_EQ(recipe.calibration.stats, "run/b.safetensors");
  EXPECT_EQ(recipe.calibration.missing, MissingStatistics::rtn);
  RecipeOverrides wrong;
  wrong.sets = {"calibration.stat=x"};
  EXPECT_EQ(error_of(kPaths, wrong),
            "command line (--set calibration.stat=x): unknown key 'calibration.stat' (did you "
            "mean 'stats'?); calibration keys: stats, missing, holdout");
}

}  // namespace
}  // namespace lrq::host
