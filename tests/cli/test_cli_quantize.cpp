// `quantize` (no recipe), the output name derived from the input, `--overwrite`, and the
// provenance recorded in the output.
#include <nlohmann/json.hpp>

#include <map>

#include "cli_test.hpp"
#include "lrq/safetensors.hpp"
#include "lrq/version.hpp"
#include "support/raw_safetensors.hpp"

namespace lrq::test {
namespace {

class CliQuantize : public CliTest {
 protected:
  // tiny-flux under a name that ends in its dtype, as published checkpoints often do.
  std::filesystem::path model() {
    const auto path = file("flux-bf16.safetensors");
    if (!std::filesystem::exists(path)) std::filesystem::copy_file(tiny_model(), path);
    return path;
  }

  // The output a dry run announces on standard error ("output: PATH").
  static std::string announced_output(const HostRun& run) {
    const std::string marker = "output: ";
    const std::size_t start = run.err.find(marker);
    if (start == std::string::npos) return "";
    const std::size_t end = run.err.find('\n', start);
    return run.err.substr(start + marker.size(), end - start - marker.size());
  }
};

TEST_F(CliQuantize, WritesFp8BesideTheInputUnderADerivedName) {
  const HostRun run = run_host({"quantize", model().string(), "--quiet"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto output = file("flux-fp8.safetensors");
  EXPECT_EQ(run.out, output.string() + "\n");
  const SafetensorsReader written(output);
  EXPECT_EQ(written.find("double_blocks.0.img_attn.qkv.weight")->info.dtype, DType::F8_E4M3);
  EXPECT_NE(written.find("double_blocks.0.img_attn.qkv.comfy_quant"), nullptr);
  EXPECT_TRUE(std::filesystem::exists(file("flux-fp8.report.json")));
}

TEST_F(CliQuantize, TheNameFollowsTheFormatItsOptionsAndTheOptimizer) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{}, "flux-fp8.safetensors"},
      {{"--set", "format.scale=row"}, "flux-fp8-row.safetensors"},
      {{"--format", "int8_block"}, "flux-int8-block128.safetensors"},
      {{"--format", "int8_block", "--set", "format.block_size=64", "--optimizer", "original"},
       "flux-int8-block64-original.safetensors"},
      {{"--format", "fp8_e5m2"}, "flux-fp8e5m2.safetensors"},
      {{"--format", "nvfp4", "--optimizer", "adamw"}, "flux-nvfp4-adamw.safetensors"},
  };
  for (const auto& [options, name] : cases) {
    std::vector<std::string> arguments = {"quantize", model().string(), "--dry-run"};
    arguments.insert(arguments.end(), options.begin(), options.end());
    const HostRun run = run_host(arguments);
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_EQ(announced_output(run), file(name).string()) << run.err;
  }
}

TEST_F(CliQuantize, AnExistingOutputIsReplacedOnlyWithOverwrite) {
  const auto output = file("mine.safetensors");
  write_file(output, "not to be lost");
  for (const auto& extra : std::vector<std::vector<std::string>>{{}, {"--dry-run"}}) {
    std::vector<std::string> arguments = {"quantize", model().string(), output.string()};
    arguments.insert(arguments.end(), extra.begin(), extra.end());
    const HostRun refused = run_host(arguments);
    EXPECT_EQ(refused.exit_code, 2) << refused.err;
    EXPECT_TRUE(contains(refused.err, output.string() + ": the output exists; give --overwrite"))
        << refused.err;
    EXPECT_EQ(read_file(output), "not to be lost");
  }
  const HostRun replaced = run_host({"quantize", model().string(), output.string(), "--overwrite"});
  ASSERT_EQ(replaced.exit_code, 0) << replaced.err;
  EXPECT_NO_THROW(SafetensorsReader{output});
  EXPECT_TRUE(leftovers().empty());
}

TEST_F(CliQuantize, TheRecipeKeyOverwriteReplacesToo) {
  const auto recipe = file("recipe.yaml");
  write_file(recipe, "format: fp8\noverwrite: true\n");
  const auto output = file("out.safetensors");
  write_file(output, "old");
  const HostRun run =
      run_host({"run", recipe.string(), "--input", model().string(), "--output", output.string()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NO_THROW(SafetensorsReader{output});
}

TEST_F(CliQuantize, AnInputFromTheCommandLineNeverWritesTheRecipesOutput) {
  // configs/example-fp8.yaml names build/examples/tiny-flux-fp8.safetensors as its output.
  for (const std::string flag : {"--input", "--set"}) {
    const std::string value = flag == "--input" ? model().string() : "input=" + model().string();
    const HostRun run = run_host({"run", example_recipe(), flag, value, "--dry-run"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_EQ(announced_output(run), file("flux-fp8.safetensors").string()) << run.err;
  }
}

TEST_F(CliQuantize, MissingInputIsAUsageError) {
  const HostRun run = run_host({"quantize"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(run.err.starts_with("error: missing INPUT\nusage: lrq-host quantize INPUT"))
      << run.err;
}

TEST_F(CliQuantize, TheOutputRecordsHowItWasMadeAndInspectShowsIt) {
  const auto output = file("out.safetensors");
  ASSERT_EQ(run_host({"quantize", model().string(), output.string(), "--set", "seed=5"}).exit_code,
            0);
  const HostRun inspect = run_host({"inspect", output.string(), "--json"});
  ASSERT_EQ(inspect.exit_code, 0) << inspect.err;
  const auto provenance = nlohmann::json::parse(inspect.out)["provenance"];
  EXPECT_EQ(provenance["version"], LRQ_VERSION);
  EXPECT_EQ(provenance["seed"], 5);
  const auto& recipe = provenance["recipe"];
  EXPECT_EQ(recipe["input"], "flux-bf16.safetensors");  // the file name: no user's directories
  EXPECT_FALSE(recipe.contains("output"));
  EXPECT_EQ(recipe["format"], nlohmann::json::parse(R"({"name": "fp8", "scale": "tensor",
      "block_size": 128, "input_scale": false, "full_precision_matrix_mult": false})"));
  EXPECT_EQ(recipe["optimizer"], nlohmann::json::parse(R"({"name": "rtn"})"));
  EXPECT_EQ(recipe["model"]["profile"], "auto");
  EXPECT_EQ(recipe["seed"], 5);
  EXPECT_EQ(recipe["calibration"]["stats"], nullptr);
  const auto& plugins = provenance["plugins"];
  // The versions the plugins declare in LRQ_PLUGIN (fp8_format.cpp, rtn_optimizer.cpp, ...).
  EXPECT_EQ(plugins["format"]["fp8"], "0.1.0");
  EXPECT_EQ(plugins["optimizer"]["rtn"], "0.1.0");
  EXPECT_EQ(plugins["backend"]["cpu"], "0.1.0");
  EXPECT_EQ(plugins["model"].size(), 1u);  // the profile chosen, not every candidate

  const HostRun text = run_host({"inspect", output.string()});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_TRUE(contains(text.out, std::string("made by lrq ") + LRQ_VERSION + ", seed 5\n"))
      << text.out;
  EXPECT_TRUE(contains(text.out, "  plugins: format fp8 0.1.0, optimizer rtn 0.1.0, model "))
      << text.out;
  EXPECT_FALSE(contains(text.out, "metadata lrq.")) << text.out;
}

TEST_F(CliQuantize, TheRecordedRecipeHoldsEachRuleAsItApplied) {
  const auto recipe = file("recipe.yaml");
  write_file(recipe,
             "format: {name: fp8, scale: row}\n"
             "overrides:\n"
             "  - {match: 'img_mlp', format: {name: int8_block, block_size: 64}}\n"
             "  - {match: 'txt_mlp', format: {name: fp8, input_scale: true}}\n"
             "  - {match: '^final_layer', skip: true}\n");
  const auto output = file("out.safetensors");
  const HostRun run =
      run_host({"run", recipe.string(), "--input", model().string(), "--output", output.string()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const SafetensorsReader written(output);
  std::map<std::string, std::string> metadata(written.metadata().begin(), written.metadata().end());
  const auto rules = nlohmann::json::parse(metadata.at("lrq.recipe"))["overrides"];
  EXPECT_EQ(rules, nlohmann::json::parse(R"([
      {"match": "img_mlp", "format": {"name": "int8_block", "scale": "block", "block_size": 64,
                                      "full_precision_matrix_mult": false}},
      {"match": "txt_mlp", "format": {"name": "fp8", "scale": "row", "block_size": 128,
                                      "input_scale": true, "full_precision_matrix_mult": false}},
      {"match": "^final_layer", "skip": true}])"));
  const auto plugins = nlohmann::json::parse(metadata.at("lrq.plugins"));
  EXPECT_EQ(plugins["format"], nlohmann::json::parse(R"({"fp8": "0.1.0", "int8_block": "0.1.0"})"));
}

}  // namespace
}  // namespace lrq::test
