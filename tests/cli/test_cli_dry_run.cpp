// `run --dry-run`: the plan of every tensor, as text or JSON, and nothing written; it checks the
// backend's plugin and options and the output path as the run would, but needs no device.
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

TEST_F(CliDryRun, JsonIsOneDocumentWithThePluginsAndTheCounts) {
  const auto model = tiny_model();
  const HostRun run =
      convert(model, file("out.safetensors"), {"--dry-run", "--json", "--set", "format.scale=row"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto json = nlohmann::json::parse(run.out);
  EXPECT_EQ(json["schema_version"], 1);
  EXPECT_EQ(json["kind"], "plan");
  EXPECT_EQ(json["input"], model.string());
  EXPECT_EQ(json["output"], file("out.safetensors").string());
  EXPECT_EQ(json["format"], "fp8");
  EXPECT_EQ(json["model"], "generic");
  const auto& plugins = json["plugins"];
  EXPECT_EQ(plugins["format"]["label"], "fp8(scale=row)");
  EXPECT_EQ(plugins["format"]["options"]["scale"], "row");
  EXPECT_EQ(plugins["format"]["options"]["block_size"], 128);  // typed: a number, not "128"
  EXPECT_EQ(plugins["optimizer"]["name"], "rtn");
  EXPECT_EQ(plugins["backend"]["name"], "cpu");
  EXPECT_EQ(plugins["backend"]["options"]["threads"], 0);
  EXPECT_EQ(plugins["model"]["name"], "generic");
  EXPECT_EQ(plugins["model"]["score"], 1);
  EXPECT_EQ(plugins["model"]["reason"], "matches any model, weakly");
  EXPECT_EQ(plugins["model"]["auto"], false);
  for (const char* kind : {"format", "optimizer", "model", "backend"}) {
    EXPECT_EQ(plugins[kind]["version"], "0.1.0") << kind;
    EXPECT_TRUE(contains(plugins[kind]["path"].get<std::string>(), LRQ_TEST_PLUGIN_DIRECTORY))
        << kind;
  }
  const SafetensorsReader input(model);
  ASSERT_EQ(json["tensors"].size(), input.entries().size());
  std::map<std::string, int> counted;
  for (std::size_t i = 0; i < input.entries().size(); ++i) {
    const auto& tensor = json["tensors"][i];
    const TensorInfo& info = input.entries()[i].info;
    EXPECT_EQ(tensor["name"], info.name);
    EXPECT_EQ(tensor["dtype"], "BF16");
    EXPECT_EQ(tensor["shape"].get<Shape>(), info.shape);
    ++counted[tensor["action"].get<std::string>()];
    if (tensor["action"] == "quantize") {
      EXPECT_EQ(tensor["format"], "fp8");
      EXPECT_EQ(tensor["format_label"], "fp8(scale=row)");
      EXPECT_EQ(tensor["comfy_format"], "float8_e4m3fn_rowwise");
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

TEST_F(CliDryRun, NeedsNoOutput) {
  const auto model = tiny_model();
  const auto recipe = file("recipe.yaml");
  write_file(recipe, "format: fp8\nmodel: generic\n");
  const HostRun run = run_host({"run", recipe.string(), "--input", model.string(), "--dry-run"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(contains(run.out, "36 quantize")) << run.out;
  std::filesystem::remove(recipe);
  expect_nothing_written(model);
}

// The backend is checked as the run would check it, short of creating it: the fixture 'deviceless'
// is installed but never available, and creating it fails.
TEST_F(CliDryRun, ChecksTheBackendWithoutADevice) {
  const auto model = tiny_model();
  const auto recipe = file("recipe.yaml");
  write_file(recipe, "format: fp8\nmodel: generic\nbackend: {name: deviceless, device: 3}\n");
  const std::string backends = std::string(LRQ_TEST_FIXTURE_PLUGIN_DIRECTORY) + "/backends";
  const std::vector<std::string> dry_run = {
      "run", recipe.string(), "--input", model.string(), "--plugin-dir", backends, "--dry-run"};
  const HostRun run = run_host(dry_run);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(contains(run.out, "36 quantize")) << run.out;

  std::vector<std::string> json = dry_run;
  json.push_back("--json");
  const auto plan = nlohmann::json::parse(run_host(json).out);
  EXPECT_EQ(plan["backend"], "deviceless");
  EXPECT_EQ(plan["plugins"]["backend"]["options"], nlohmann::json::parse(R"({"device": 3})"));
  EXPECT_EQ(plan["plugins"]["backend"]["version"], "0.0.1");

  struct Case {
    std::string set;
    std::string message;
  };
  for (const Case& bad : {
           Case{"backend.device=8", "backend.device: must be at most 7, got 8"},
           Case{"backend.devise=1",
                "backend.devise: unknown key for backend 'deviceless' (did you mean 'device'?)"},
       }) {
    std::vector<std::string> arguments = dry_run;
    arguments.insert(arguments.end(), {"--set", bad.set});
    const HostRun failed = run_host(arguments);
    EXPECT_EQ(failed.exit_code, 4) << bad.set;
    EXPECT_TRUE(contains(failed.err, bad.message)) << failed.err;
  }
  std::vector<std::string> unknown = dry_run;
  unknown.insert(unknown.end(), {"--backend", "devicelss"});
  const HostRun missing = run_host(unknown);
  EXPECT_EQ(missing.exit_code, 4);
  EXPECT_TRUE(contains(missing.err,
                       "backend 'devicelss' not found (did you mean 'deviceless'?); available: "))
      << missing.err;

  // The run itself needs the device.
  const HostRun real = run_host({"run", recipe.string(), "--input", model.string(), "--output",
                                 file("out.safetensors").string(), "--plugin-dir", backends});
  EXPECT_EQ(real.exit_code, 6) << real.err;
  EXPECT_TRUE(contains(real.err, "is not available here: this fixture has no device")) << real.err;
  std::filesystem::remove(recipe);
  expect_nothing_written(model);
}

TEST_F(CliDryRun, NeedsNoGpuForTheCudaBackend) {
  if (!LRQ_TEST_CUDA_BACKENDS) GTEST_SKIP() << "built without the CUDA backends";
  const auto model = tiny_model();
  const auto recipe = file("recipe.yaml");
  write_file(recipe, "format: fp8\nmodel: generic\nbackend: {name: cuda, device: 3}\n");
  const HostRun run = run_host({"run", recipe.string(), "--input", model.string(), "--dry-run"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::filesystem::remove(recipe);
  expect_nothing_written(model);
}

TEST_F(CliDryRun, ChecksTheOutputPathAsTheRunWould) {
  const auto model = tiny_model();
  const HostRun same = convert(model, model, {"--dry-run"});
  EXPECT_EQ(same.exit_code, 2);
  EXPECT_TRUE(contains(same.err, "refusing to overwrite the input file")) << same.err;
  const HostRun no_directory = convert(model, file("missing/out.safetensors"), {"--dry-run"});
  EXPECT_EQ(no_directory.exit_code, 7);
  EXPECT_TRUE(contains(no_directory.err, "the output directory")) << no_directory.err;
  EXPECT_TRUE(contains(no_directory.err, "does not exist")) << no_directory.err;
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

}  // namespace
}  // namespace lrq::test
