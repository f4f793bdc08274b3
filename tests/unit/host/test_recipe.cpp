// Recipes: what a valid one turns into, and for every kind of mistake the exact message with the
// file, line, column and key.
#include <gtest/gtest.h>

#include "lrq/error.hpp"
#include "recipe/overrides.hpp"
#include "recipe/plugin_options.hpp"
#include "recipe/recipe.hpp"
#include "recipe_test.hpp"
#include "support/raw_safetensors.hpp"

namespace lrq::host {
namespace {

TEST_F(RecipeTest, ReadsEverySection) {
  const auto path = write(
      "lrq: 1\n"
      "input: models/in.safetensors\n"
      "output: /tmp/out.safetensors\n"
      "format: {name: int8_block, block_size: 64}\n"
      "optimizer: rtn\n"
      "model:\n  profile: generic\n"
      "backend: {name: cpu, threads: 2}\n"
      "seed: 42\n"
      "calib_samples: 512\n"
      "bias_correction: false\n"
      "reference_compat: yes\n"
      "report: off\n"
      "shard_size: 5GB\n");
  const Recipe recipe = load_recipe(path);
  EXPECT_EQ(recipe.shard_size, 5'000'000'000u);
  EXPECT_EQ(recipe.calib_samples, 512u);
  EXPECT_FALSE(recipe.bias_correction);
  EXPECT_TRUE(recipe.reference_compat);
  EXPECT_FALSE(recipe.report);
  EXPECT_EQ(recipe.input, directory_.path() / "models/in.safetensors");
  EXPECT_EQ(recipe.output, "/tmp/out.safetensors");
  EXPECT_EQ(recipe.format.name, "int8_block");
  ASSERT_EQ(recipe.format.options.size(), 1u);
  EXPECT_EQ(recipe.format.options[0].key, "block_size");
  EXPECT_EQ(recipe.format.options[0].scalar, "64");
  EXPECT_EQ(recipe.format.options[0].location.line, 4);
  EXPECT_EQ(recipe.optimizer.name, "rtn");
  EXPECT_EQ(recipe.model.name, "generic");
  EXPECT_EQ(recipe.backend.name, "cpu");
  EXPECT_EQ(recipe.seed, 42u);
}

TEST_F(RecipeTest, DefaultsOptimizerModelBackendAndSeed) {
  const Recipe recipe = load_recipe(write("input: a\noutput: b\nformat: fp8\n"));
  EXPECT_EQ(recipe.optimizer.name, "rtn");
  EXPECT_EQ(recipe.model.name, "auto");
  EXPECT_FALSE(recipe.strict_profile);
  EXPECT_FALSE(recipe.heuristics);
  EXPECT_EQ(recipe.heuristics_block_size, 0u);
  EXPECT_TRUE(recipe.overrides.empty());
  EXPECT_EQ(recipe.backend.name, "cpu");
  EXPECT_EQ(recipe.seed, 0u);
  EXPECT_EQ(recipe.calib_samples, 3072u);
  EXPECT_TRUE(recipe.bias_correction);
  EXPECT_FALSE(recipe.reference_compat);
  EXPECT_TRUE(recipe.report);
  EXPECT_EQ(recipe.shard_size, 0u);
  EXPECT_FALSE(recipe.overwrite);
}

TEST_F(RecipeTest, TheDefaultRecipeNamesOnlyItsFormat) {
  const Recipe recipe = default_recipe("int8_block");
  EXPECT_EQ(recipe.format.name, "int8_block");
  EXPECT_EQ(recipe.format.section, "format");
  EXPECT_EQ(recipe.optimizer.name, "rtn");
  EXPECT_EQ(recipe.model.name, "auto");
  EXPECT_EQ(recipe.model.section, "model");
  EXPECT_EQ(recipe.backend.name, "cpu");
  EXPECT_TRUE(recipe.input.empty());
  EXPECT_TRUE(recipe.output.empty());
  EXPECT_FALSE(recipe.overwrite);
}

TEST_F(RecipeTest, ASectionMapWithoutItsNameSelectsTheDefaultPlugin) {
  const Recipe recipe = load_recipe(write(
      "input: a\noutput: b\nformat: fp8\nmodel: {heuristics: true}\noptimizer: {num_iter: 5}\n"));
  EXPECT_EQ(recipe.model.name, "auto");
  EXPECT_EQ(recipe.model.location.line, 4);
  EXPECT_TRUE(recipe.heuristics);
  EXPECT_TRUE(recipe.model.options.empty());
  EXPECT_EQ(recipe.optimizer.name, "rtn");
  ASSERT_EQ(recipe.optimizer.options.size(), 1u);
  EXPECT_EQ(recipe.optimizer.options[0].key, "num_iter");
}

TEST_F(RecipeTest, EachMistakeNamesItsKeyAndLine) {
  const std::string ok = "input: a\noutput: b\nformat: fp8\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {ok + "optimiser: rtn\n",
       ":4:1: unknown key 'optimiser' (did you mean 'optimizer'?); recipe keys: lrq, input, "
       "output, format, optimizer, model, backend, overrides, calibration, seed, calib_samples, "
       "bias_correction, reference_compat, report, shard_size, overwrite"},
      {ok + "calibration: stats.safetensors\n",
       ":4:1: 'calibration' is a map of stats, missing, holdout, got 'stats.safetensors'"},
      {ok + "calibration: {stat: s.safetensors}\n",
       ":4:15: unknown key 'calibration.stat' (did you mean 'stats'?); calibration keys: stats, "
       "missing, holdout"},
      {ok + "calibration: {stats: s.safetensors, missing: maybe}\n",
       ":4:37: calibration.missing must be error or rtn, got 'maybe'"},
      {ok + "seed: abc\n", ":4:1: 'seed' must be a non-negative integer, got 'abc'"},
      {ok + "seed: -3\n", ":4:1: 'seed' must be a non-negative integer, got '-3'"},
      {ok + "bias_correction: \"no\"\n",
       ":4:1: 'bias_correction' must be true or false, got the string 'no'"},
      {ok + "seed: \"5\"\n", ":4:1: 'seed' must be a non-negative integer, got the string '5'"},
      {ok + "seed:\n", ":4:1: 'seed' needs a value, got no value"},
      {"input: a\noutput: b\n", ":1:1: missing key 'format'"},
      {"input: a\nformat: fp8\noverwrite: 1\n", ":3:1: 'overwrite' must be true or false, got '1'"},
      {"input:\noutput: b\nformat: fp8\n", ":1:1: 'input' needs a value, got no value"},
      {"input: [a, b]\noutput: b\nformat: fp8\n", ":1:1: 'input' needs a value, got a list"},
      {"input: a\noutput: b\nformat: {scale: row}\n", ":3:1: format: missing key 'name'"},
      {"input: a\noutput: b\nformat: [fp8]\n",
       ":3:1: 'format' must be a plugin name or a map with 'name' and options, got a list"},
      {ok + "format: int8_block\n", ":4:1: duplicate key 'format'"},
      {"input: a\noutput: b\nformat: {name: fp8, scale: row, scale: block}\n",
       ":3:33: format: duplicate key 'scale'"},
      {"lrq: 2\n" + ok, ":1:1: 'lrq' is the recipe version; only 1 exists, got '2'"},
      {"input: a\n  output: b\n", ":2:9: invalid YAML: illegal map value"},
      {"- a\n- b\n",
       ":1:1: a recipe is a map of keys (lrq, input, output, format, optimizer, model, backend, "
       "overrides, calibration, seed, calib_samples, bias_correction, reference_compat, report, "
       "shard_size, overwrite), "
       "got a list"},
  };
  for (const auto& [text, expected] : cases)
    EXPECT_EQ(error_of(text), expected) << text;
}

TEST_F(RecipeTest, ADirectoryIsNotARecipe) {
  try {
    load_recipe(directory_.path());
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.category(), ErrorCategory::recipe);
    EXPECT_EQ(std::string(error.what()),
              directory_.path().string() + ": is a directory, not a recipe file");
  }
}

TEST_F(RecipeTest, NamingAnotherPluginWithSetResetsItsOptions) {
  Recipe recipe = load_recipe(write("input: a\noutput: b\nformat: {name: fp8, scale: row}\n"));
  RecipeOverrides overrides;
  overrides.sets = {"format.name=int8_block", "format.block_size=64"};
  apply_overrides(recipe, overrides);
  EXPECT_EQ(recipe.format.name, "int8_block");
  ASSERT_EQ(recipe.format.options.size(), 1u);
  EXPECT_EQ(recipe.format.options[0].key, "block_size");
}

TEST_F(RecipeTest, AMissingFileIsARecipeError) {
  try {
    load_recipe(directory_.file("absent.yaml"));
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.category(), ErrorCategory::recipe);
    EXPECT_NE(std::string(error.what()).find("absent.yaml: cannot read the recipe file"),
              std::string::npos);
  }
}

TEST_F(RecipeTest, CommandLineOverridesWinAndSayWhereTheyCameFrom) {
  Recipe recipe = load_recipe(write(
      "input: a\noutput: b\nformat: {name: fp8, scale: row}\nbackend: {name: cpu, threads: 2}\n"));
  RecipeOverrides overrides;
  overrides.input = "/data/in.safetensors";
  overrides.format = "int8_block";
  overrides.sets = {"format.block_size=64", "backend.threads=1", "seed=9", "model.profile=x"};
  apply_overrides(recipe, overrides);
  EXPECT_EQ(recipe.input, "/data/in.safetensors");
  EXPECT_EQ(recipe.input_location.to_string(), "command line (--input)");
  EXPECT_EQ(recipe.format.name, "int8_block");
  ASSERT_EQ(recipe.format.options.size(), 1u);  // --format resets the format's options
  EXPECT_EQ(recipe.format.options[0].key, "block_size");
  EXPECT_EQ(recipe.format.options[0].location.to_string(),
            "command line (--set format.block_size=64)");
  ASSERT_EQ(recipe.backend.options.size(), 1u);  // --set replaces the recipe's value
  EXPECT_EQ(recipe.backend.options[0].scalar, "1");
  EXPECT_EQ(recipe.seed, 9u);
  EXPECT_EQ(recipe.model.name, "x");
}

TEST_F(RecipeTest, AnInputFromTheCommandLineDropsTheRecipesOutput) {
  const std::string text = "input: a\noutput: b\nformat: fp8\n";
  Recipe recipe = load_recipe(write(text));
  RecipeOverrides set_input;
  set_input.sets = {"input=c.safetensors"};
  apply_overrides(recipe, set_input);
  EXPECT_EQ(recipe.input, "c.safetensors");
  EXPECT_TRUE(recipe.output.empty());  // derived later, never the recipe's

  recipe = load_recipe(write(text));
  RecipeOverrides both;
  both.input = "c.safetensors";
  both.output = "d.safetensors";
  apply_overrides(recipe, both);
  EXPECT_EQ(recipe.output, "d.safetensors");

  recipe = load_recipe(write(text));
  RecipeOverrides other;
  other.sets = {"seed=3"};
  other.overwrite = true;
  apply_overrides(recipe, other);
  EXPECT_EQ(recipe.output, directory_.file("b"));  // the recipe's own input: its output stays
  EXPECT_TRUE(recipe.overwrite);
}

TEST_F(RecipeTest, BadSetAssignmentsAreErrors) {
  const std::string ok = "input: a\noutput: b\nformat: fp8\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"format.scale",
       "command line (--set format.scale): --set takes KEY=VALUE, e.g. --set "
       "format.scale=row"},
      {"formt.scale=row",
       "command line (--set formt.scale=row): unknown section 'formt' (did you mean 'format'?)"},
      {"sed=3",
       "command line (--set sed=3): cannot set 'sed' (did you mean 'seed'?); use input, "
       "output, seed, calib_samples, bias_correction, reference_compat, report, shard_size, "
       "overwrite or "
       "SECTION.OPTION"},
      {"calib_samples=0",
       "command line (--set calib_samples=0): 'calib_samples' must be an integer from 1 to "
       "1000000000, got '0'"},
      {"report=maybe",
       "command line (--set report=maybe): 'report' must be true or false, got "
       "'maybe'"},
      {"seed=x", "command line (--set seed=x): 'seed' must be a non-negative integer, got 'x'"},
      {"shard_size=5XB",
       "command line (--set shard_size=5XB): 'shard_size' must be a size in bytes such as 5GB, "
       "500MiB or 1000000, got '5XB'"},
  };
  for (const auto& [assignment, expected] : cases) {
    RecipeOverrides overrides;
    overrides.sets = {assignment};
    EXPECT_EQ(error_of(ok, overrides), expected) << assignment;
  }
}

OptionsSchema example_schema() {
  OptionsSchema schema;
  schema.add(OptionSpec::choice("scale", {"tensor", "row"}, "tensor", "granularity"));
  schema.add(OptionSpec::integer_choice("block_size", {64, 128}, 128, "tile"));
  schema.add(OptionSpec::number("lr", 1.0, "learning rate", 0.0));
  schema.add(OptionSpec::boolean("input_scale", false, "write input_scale"));
  return schema;
}

PluginSelection fp8_selection(std::vector<RawOption> options) {
  PluginSelection selection;
  selection.section = "format";
  selection.name = "fp8";
  selection.location = {"r.yaml", 3, 9};
  selection.options = std::move(options);
  return selection;
}

std::string option_error(const RawOption& option) {
  const PluginSelection selection = fp8_selection({option});
  try {
    resolve_options(selection, example_schema());
  } catch (const Error& error) {
    EXPECT_EQ(error.category(), ErrorCategory::recipe);
    return error.what();
  }
  return "no error";
}

TEST(PluginOptions, FillDefaultsAndParseTypes) {
  const PluginSelection selection = fp8_selection({{"scale", "row", "", {"r.yaml", 4, 3}},
                                                   {"lr", "1e-3", "", {"r.yaml", 5, 3}},
                                                   {"input_scale", "yes", "", {"r.yaml", 6, 3}}});
  const Options options = resolve_options(selection, example_schema());
  EXPECT_EQ(options.get_string("scale"), "row");
  EXPECT_EQ(options.get_int("block_size"), 128);
  EXPECT_DOUBLE_EQ(options.get_number("lr"), 1e-3);
  EXPECT_TRUE(options.get_bool("input_scale"));
}

TEST(PluginOptions, EachBadValueNamesTheKeyAndLine) {
  const Location at{"r.yaml", 7, 5};
  EXPECT_EQ(option_error({"blocksize", "64", "", at}),
            "r.yaml:7:5: format.blocksize: unknown key for format 'fp8' (did you mean "
            "'block_size'?); its options: scale, block_size, lr, input_scale");
  EXPECT_EQ(option_error({"block_size", "abc", "", at}),
            "r.yaml:7:5: format.block_size: expected an integer, got 'abc'");
  EXPECT_EQ(option_error({"block_size", "96", "", at}),
            "r.yaml:7:5: format.block_size: expected one of 64, 128, got 96");
  EXPECT_EQ(option_error({"block_size", "64", "", at, true}),
            "r.yaml:7:5: format.block_size: expected an integer, got the string '64'");
  EXPECT_EQ(option_error({"input_scale", "true", "", at, true}),
            "r.yaml:7:5: format.input_scale: expected a boolean, got the string 'true'");
  EXPECT_EQ(option_error({"block_size", "64.5", "", at}),
            "r.yaml:7:5: format.block_size: expected an integer, got '64.5'");
  EXPECT_EQ(option_error({"lr", "-1", "", at}),
            "r.yaml:7:5: format.lr: must be at least 0, got -1");
  EXPECT_EQ(option_error({"lr", "nan", "", at}),
            "r.yaml:7:5: format.lr: expected a number, got 'nan'");
  EXPECT_EQ(option_error({"scale", "column", "", at}),
            "r.yaml:7:5: format.scale: expected one of tensor, row, got column");
  EXPECT_EQ(option_error({"input_scale", "maybe", "", at}),
            "r.yaml:7:5: format.input_scale: expected a boolean, got 'maybe'");
  EXPECT_EQ(option_error({"scale", std::nullopt, "a map", at}),
            "r.yaml:7:5: format.scale: expected a string, got a map");
}

}  // namespace
}  // namespace lrq::host
