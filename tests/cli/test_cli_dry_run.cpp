// `run --dry-run`: the plan of every tensor, as text or JSON, and nothing written; it needs no
// backend, so it works where the recipe's backend does not.
#include <nlohmann/json.hpp>

#include <map>

#include "cli_test.hpp"
#include "support/raw_safetensors.hpp"

namespace lrq::test {
namespace {

class CliDryRun : public CliTest {
 protected:
  // Nothing but the input in the scratch directory: no output, report or temporary file.
  void expect_nothing_written(const std::filesystem::path& input) const {
    for (const auto& entry : std::filesystem::directory_iterator(input.parent_path())) {
      EXPECT_EQ(entry.path(), input);
    }
  }
};

TEST_F(CliDryRun, PrintsEveryTensorAndWritesNothing) {
  const auto model = tiny_model();
  const HostRun run = convert(model, file("out.safetensors"), {"--dry-run"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(contains(run.out,
                       "dry run: 84 tensors: 36 quantize, 48 keep, 0 remove (profile generic); "
                       "nothing written\n"))
      << run.out;
  EXPECT_TRUE(contains(run.out, "quantize  double_blocks.0.img_attn.qkv.weight")) << run.out;
  EXPECT_TRUE(contains(run.out, "[768, 256]   BF16   fp8 / rtn")) << run.out;
  EXPECT_TRUE(contains(run.out, "profile generic: 2-D weight")) << run.out;
  EXPECT_TRUE(contains(run.out, "bias of a quantized layer, corrected")) << run.out;
  expect_nothing_written(model);
}

TEST_F(CliDryRun, JsonIsOneDocumentWithTheCounts) {
  const auto model = tiny_model();
  const HostRun run =
      convert(model, file("out.safetensors"), {"--dry-run", "--json", "--set", "format.scale=row"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto json = nlohmann::json::parse(run.out);
  EXPECT_EQ(json["input"], model.string());
  EXPECT_EQ(
      json["profile"],
      nlohmann::json::parse(
          R"({"name": "generic", "score": 1, "reason": "matches any model, weakly", "auto": false})"));
  const SafetensorsReader input(model);
  ASSERT_EQ(json["tensors"].size(), input.entries().size());
  std::map<std::string, int> counted;
  for (std::size_t i = 0; i < input.entries().size(); ++i) {
    const auto& tensor = json["tensors"][i];
    EXPECT_EQ(tensor["name"], input.entries()[i].info.name);
    ++counted[tensor["action"].get<std::string>()];
    if (tensor["action"] == "quantize") {
      EXPECT_EQ(tensor["format"], "fp8");
      EXPECT_EQ(tensor["format_label"], "fp8(scale=row)");
      EXPECT_EQ(tensor["optimizer"], "rtn");
    } else {
      EXPECT_FALSE(tensor.contains("format")) << tensor;
    }
  }
  EXPECT_EQ(json["counts"], nlohmann::json::parse(R"({"quantize": 36, "keep": 48, "remove": 0})"));
  EXPECT_EQ(counted["quantize"], 36);
  EXPECT_EQ(counted["keep"], 48);
  expect_nothing_written(model);
}

TEST_F(CliDryRun, NeedsNeitherTheBackendNorAnOutput) {
  const auto model = tiny_model();
  const auto recipe = file("recipe.yaml");
  write_file(recipe, "format: fp8\nmodel: generic\nbackend: {name: cuda, device: 3}\n");
  const HostRun run = run_host({"run", recipe.string(), "--input", model.string(), "--dry-run"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(contains(run.out, "36 quantize")) << run.out;
  std::filesystem::remove(recipe);
  expect_nothing_written(model);
}

// A model map without 'profile' is profile auto, which takes no options: a profile named with
// another key is a recipe error pointing at that key.
TEST_F(CliDryRun, AModelMapThatNamesItsProfileWithAnotherKeyIsARecipeError) {
  const auto model = tiny_model();
  const auto recipe = file("recipe.yaml");
  write_file(recipe, "format: fp8\nmodel: {name: generic}\n");
  const HostRun run = run_host({"run", recipe.string(), "--input", model.string(), "--dry-run"});
  EXPECT_EQ(run.exit_code, 4) << run.err;
  EXPECT_TRUE(contains(run.err,
                       "recipe.yaml:2:9: model.name: profile 'auto' takes no options; "
                       "name the profile they are for with 'profile'"))
      << run.err;
}

TEST_F(CliDryRun, JsonGoesWithDryRun) {
  const HostRun run = convert(tiny_model(), file("out.safetensors"), {"--json"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(contains(run.err, "--json goes with --dry-run")) << run.err;
}

}  // namespace
}  // namespace lrq::test
