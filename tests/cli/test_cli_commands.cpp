// The commands as a user runs them: exit codes, what they print, the files they write.
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <string>

#include "cli_test.hpp"
#include "lrq/safetensors.hpp"
#include "lrq/version.hpp"
#include "support/raw_safetensors.hpp"

namespace lrq::test {
namespace {

TEST(Cli, VersionAndHelp) {
  const HostRun version = run_host({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.out, std::string("lrq-host ") + LRQ_VERSION + "\n");
  const HostRun help = run_host({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  for (const char* command : {"run", "quantize", "plugins", "inspect", "generate", "bench"}) {
    EXPECT_TRUE(contains(help.out, command)) << command;
  }
  const HostRun run_help = run_host({"run", "--help"});
  EXPECT_EQ(run_help.exit_code, 0);
  EXPECT_TRUE(contains(run_help.out, "--set")) << run_help.out;
}

// The spin count libgomp settled on, from the settings it prints when it is loaded (the last
// print is the program that ran), or "" when the OpenMP runtime is not libgomp.
std::string openmp_spin_count(const Environment& environment) {
  HostRunOptions options;
  options.environment = environment;
  options.environment.emplace_back("OMP_DISPLAY_ENV", "verbose");
  const HostRun version = run_host({"--version"}, options);
  EXPECT_EQ(version.exit_code, 0) << version.err;
  const std::string key = "GOMP_SPINCOUNT = '";
  const std::size_t found = version.err.rfind(key);
  if (found == std::string::npos) return "";
  const std::size_t begin = found + key.size();
  return version.err.substr(begin, version.err.find('\'', begin) - begin);
}

// Idle OpenMP threads sleep (spin count 0) unless the user's OMP_WAIT_POLICY says otherwise.
TEST(Cli, IdleOpenMpThreadsSleepUnlessTheEnvironmentSaysOtherwise) {
  if (std::getenv("OMP_WAIT_POLICY") != nullptr) GTEST_SKIP() << "OMP_WAIT_POLICY is set here";
  const std::string by_default = openmp_spin_count({});
  if (by_default.empty()) GTEST_SKIP() << "the OpenMP runtime is not libgomp";
  EXPECT_EQ(by_default, "0");
  EXPECT_NE(openmp_spin_count({{"OMP_WAIT_POLICY", "active"}}), "0");
}

TEST(Cli, UsageErrorsExitWithTwo) {
  const HostRun nothing = run_host({});
  EXPECT_EQ(nothing.exit_code, 2);
  const HostRun unknown = run_host({"rn"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_TRUE(contains(unknown.err, "unknown command 'rn' (did you mean 'run'?)")) << unknown.err;
  const HostRun no_recipe = run_host({"run"});
  EXPECT_EQ(no_recipe.exit_code, 2);
  EXPECT_TRUE(no_recipe.err.starts_with("error: missing RECIPE\nusage: lrq-host run RECIPE"))
      << no_recipe.err;
  const HostRun bad_option = run_host({"inspect", "x", "--colour"});
  EXPECT_EQ(bad_option.exit_code, 2);
  EXPECT_TRUE(contains(bad_option.err, "colour")) << bad_option.err;
}

class CliRun : public CliTest {};

TEST_F(CliRun, ConvertsTheExampleAndPrintsASummary) {
  const auto output = file("out.safetensors");
  const HostRun run = convert(tiny_model(), output);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(contains(run.out, "output: " + output.string())) << run.out;
  EXPECT_TRUE(contains(run.out, "36 layers quantized")) << run.out;
  EXPECT_TRUE(contains(run.out, "double_blocks.0.img_attn.qkv.weight")) << run.out;
  EXPECT_TRUE(contains(run.out, "float8_e4m3fn")) << run.out;
  const SafetensorsReader written(output);
  ASSERT_NE(written.find("double_blocks.0.img_attn.qkv.comfy_quant"), nullptr);
  EXPECT_EQ(written.find("double_blocks.0.img_attn.qkv.weight")->info.dtype, DType::F8_E4M3);
  EXPECT_TRUE(leftovers().empty());
}

TEST_F(CliRun, WritesAPerLayerReportNextToTheOutput) {
  const auto output = file("out.safetensors");
  const HostRun run = convert(tiny_model(), output, {"--format", "int8_block"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto report_file = file("out.report.json");
  EXPECT_TRUE(contains(run.out,
                       "report: " + report_file.string() + ", " + file("out.report.html").string()))
      << run.out;
  const auto report = nlohmann::json::parse(read_file(report_file));
  EXPECT_EQ(report["output"], output.string());
  EXPECT_EQ(report["reference_compat"], false);
  EXPECT_EQ(report["bias_correction"], true);
  EXPECT_EQ(report["calib_samples"], 3072);
  std::size_t quantized = 0;
  for (const auto& layer : report["layers"]) {
    if (layer["action"] != "quantize") continue;
    ++quantized;
    EXPECT_EQ(layer["format"], "int8_block");
    EXPECT_EQ(layer["comfy_format"], "int8_blockwise");
    EXPECT_EQ(layer["scale"], "per-block 128x128");
    EXPECT_EQ(layer["bias_corrected"], true);
    for (const char* side : {"rtn", "result"}) {
      EXPECT_GT(layer[side]["weight_error"].get<double>(), 0.0) << layer["name"];
      EXPECT_GT(layer[side]["output_error"].get<double>(), 0.0) << layer["name"];
    }
  }
  EXPECT_EQ(quantized, 34u);
  const auto& provenance = report["provenance"];
  EXPECT_EQ(provenance["version"], LRQ_VERSION);
  EXPECT_EQ(provenance["seed"], 0);
  EXPECT_EQ(provenance["plugins"]["format"]["int8_block"], LRQ_VERSION);
  EXPECT_EQ(provenance["plugins"]["optimizer"]["rtn"], LRQ_VERSION);
  EXPECT_EQ(provenance["plugins"]["backend"]["cpu"], LRQ_VERSION);
  EXPECT_EQ(provenance["recipe"]["format"]["name"], "int8_block");
  const auto page_file = file("out.report.html");
  EXPECT_TRUE(contains(read_file(page_file), "<svg class=\"chart\"")) << page_file;

  std::filesystem::remove(report_file);
  std::filesystem::remove(page_file);
  ASSERT_EQ(convert(tiny_model(), output, {"--set", "report=false"}).exit_code, 0);
  EXPECT_FALSE(std::filesystem::exists(report_file));
  EXPECT_FALSE(std::filesystem::exists(page_file));
}

TEST_F(CliRun, TheSameRecipeAndSeedGiveTheSameBytes) {
  const auto model = tiny_model();
  // Small ranks and no report keep the learned-rounding runs quick.
  const std::vector<std::vector<std::string>> runs = {
      {"--format", "int8_block"},
      {"--optimizer", "original", "--set", "optimizer.rank=16", "--set", "report=false"},
      {"--optimizer", "adamw", "--set", "optimizer.rank=16", "--set", "optimizer.num_iter=10",
       "--set", "optimizer.lr=0.01", "--set", "report=false"},
  };
  for (const auto& arguments : runs) {
    ASSERT_EQ(convert(model, file("a.safetensors"), arguments).exit_code, 0);
    ASSERT_EQ(convert(model, file("b.safetensors"), arguments).exit_code, 0);
    EXPECT_EQ(read_file(file("a.safetensors")), read_file(file("b.safetensors"))) << arguments[1];
    std::vector<std::string> other_seed = arguments;
    other_seed.insert(other_seed.end(), {"--set", "seed=1"});
    ASSERT_EQ(convert(model, file("c.safetensors"), other_seed).exit_code, 0);
    if (arguments[1] != "int8_block") {  // the seed draws the SVD's test matrix
      EXPECT_NE(read_file(file("a.safetensors")), read_file(file("c.safetensors"))) << arguments[1];
    }
  }
}

TEST_F(CliRun, KeepsWhatTheFormatCannotTileAndSaysWhy) {
  const HostRun run = convert(tiny_model(), file("out.safetensors"), {"--format", "int8_block"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(contains(run.out, "keep: format: 64 columns not divisible by block size 128"))
      << run.out;
  EXPECT_TRUE(
      contains(run.out, "int8_blockwise loads only in ComfyUI builds with block-wise support"))
      << run.out;
}

TEST_F(CliRun, QuietPrintsOnlyTheOutputPath) {
  const auto output = file("out.safetensors");
  const HostRun run = convert(tiny_model(), output, {"--quiet"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, output.string() + "\n");
}

TEST_F(CliRun, OverwritesAnEarlierOutputAtomically) {
  const auto output = file("out.safetensors");
  write_file(output, "an older file");
  ASSERT_EQ(convert(tiny_model(), output).exit_code, 0);
  EXPECT_NO_THROW(SafetensorsReader{output});
}

TEST_F(CliRun, InspectShowsQuantizedLayersAndTheirFormats) {
  const auto output = file("out.safetensors");
  ASSERT_EQ(convert(tiny_model(), output, {"--format", "int8_block"}).exit_code, 0);
  const HostRun text = run_host({"inspect", output.string()});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_TRUE(contains(text.out, "34 quantized layers")) << text.out;
  EXPECT_TRUE(contains(text.out, "int8_blockwise")) << text.out;
  EXPECT_TRUE(contains(text.out, "load only in ComfyUI builds with block-wise support"));

  const HostRun json_run = run_host({"inspect", output.string(), "--json"});
  ASSERT_EQ(json_run.exit_code, 0) << json_run.err;
  const auto json = nlohmann::json::parse(json_run.out);
  EXPECT_EQ(json["kind"], "inspect");
  EXPECT_EQ(json["schema_version"], 1);
  ASSERT_EQ(json["quantized_layers"].size(), 34u);
  const auto& layer = json["quantized_layers"][0];
  EXPECT_EQ(layer["comfy_format"], "int8_blockwise");
  EXPECT_EQ(layer["comfy_quant"]["group_size"], 128);
  EXPECT_EQ(layer["stock_comfyui"], false);
  EXPECT_EQ(layer["weight"]["dtype"], "I8");
  EXPECT_EQ(layer["input_scale"]["shape"], nlohmann::json::array());
}

TEST_F(CliRun, InspectSaysWhereBlockScaledFormatsLoad) {
  for (const std::string format : {"nvfp4", "mxfp8"}) {
    const auto output = file(format + ".safetensors");
    ASSERT_EQ(convert(tiny_model(), output, {"--format", format}).exit_code, 0) << format;
    const HostRun text = run_host({"inspect", output.string()});
    ASSERT_EQ(text.exit_code, 0) << text.err;
    EXPECT_TRUE(contains(text.out, "fast matmuls need a Blackwell-class GPU")) << text.out;
    EXPECT_FALSE(contains(text.out, "PR #10864")) << text.out;
    const auto json = nlohmann::json::parse(run_host({"inspect", output.string(), "--json"}).out);
    const auto& layer = json["quantized_layers"][0];
    EXPECT_EQ(layer["comfy_format"], format);
    EXPECT_EQ(layer["stock_comfyui"], true);
    if (format == "nvfp4") {
      EXPECT_EQ(layer["comfyui_builds"], "stock");
      EXPECT_EQ(layer["weight_scale_2"]["dtype"], "F32");
      EXPECT_EQ(layer["weight_scale"]["dtype"], "F8_E4M3");
    } else {
      EXPECT_EQ(layer["comfyui_builds"], "stock, comfy-kitchen with MXFP8");
      EXPECT_EQ(layer["weight_scale"]["dtype"], "U8");
    }
  }
}

TEST_F(CliRun, InspectOfAnUnquantizedFileSaysSo) {
  const HostRun run = run_host({"inspect", tiny_model().string()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(contains(run.out, "84 tensors")) << run.out;
  EXPECT_TRUE(contains(run.out, "no quantized layers")) << run.out;
}

TEST_F(CliRun, GenerateIsDeterministicPerSeed) {
  EXPECT_EQ(read_file(tiny_model("f32", 1)), read_file(tiny_model("f32", 1)));
  EXPECT_NE(read_file(tiny_model("f32", 1)), read_file(tiny_model("f32", 2)));
  const HostRun unknown = run_host({"generate", "huge-flux", "--output", file("x").string()});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_TRUE(contains(unknown.err, "unknown model 'huge-flux'")) << unknown.err;
}

TEST_F(CliRun, WarnsWhenARejectedOverridePluginIsPassedOver) {
  const auto overrides = file("overrides");
  std::filesystem::create_directory(overrides);
  std::filesystem::copy_file(
      std::filesystem::path(LRQ_TEST_FIXTURE_PLUGIN_DIRECTORY) / "liblrq-format-wrong_abi.so",
      overrides / "liblrq-format-fp8.so");
  const HostRun run =
      convert(tiny_model(), file("out.safetensors"), {"--plugin-dir", overrides.string()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(contains(run.err, "warning: ")) << run.err;
  EXPECT_TRUE(
      contains(run.err, (overrides / "liblrq-format-fp8.so").string() + ": built for lrq ABI 99.0"))
      << run.err;
  EXPECT_TRUE(contains(run.out, std::string("[plugin fp8 0.1.0, ") + LRQ_TEST_PLUGIN_DIRECTORY))
      << run.out;
}

TEST(CliPlugins, ListsTheBuiltPluginsAndTheRejectedOnes) {
  const HostRun run = run_host({"plugins", "--plugin-dir", LRQ_TEST_FIXTURE_PLUGIN_DIRECTORY});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  for (const char* name :
       {"fp8", "int8_block", "rtn", "original", "adamw", "radam", "gptq", "generic", "cpu"}) {
    EXPECT_TRUE(contains(run.out, name)) << name;
  }
  EXPECT_TRUE(contains(run.out, "liblrq-format-wrong_abi.so: built for lrq ABI 99.0")) << run.out;

  const HostRun json_run = run_host({"plugins", "--json"});
  ASSERT_EQ(json_run.exit_code, 0) << json_run.err;
  const auto json = nlohmann::json::parse(json_run.out);
  EXPECT_EQ(json["plugins"].size(), LRQ_TEST_CUDA_BACKENDS ? 38u : 36u);
  bool found_original = false;
  for (const auto& plugin : json["plugins"]) {
    if (plugin["name"] != "original") continue;
    found_original = true;
    const auto& options = plugin["options"];
    ASSERT_FALSE(options.empty());
    EXPECT_EQ(options[0]["name"], "num_iter");
    EXPECT_EQ(options[0]["default"], 4000);
  }
  EXPECT_TRUE(found_original);
  const HostRun text = run_host({"plugins", "--options"});
  EXPECT_TRUE(contains(text.out, "optimizer original: options")) << text.out;
  EXPECT_TRUE(contains(text.out, "lr_factor")) << text.out;
  EXPECT_TRUE(json["rejected"].empty());
}

}  // namespace
}  // namespace lrq::test
