// The JSON documents lrq-host prints and writes (plugins, plan, run, report, profile, bench): the
// envelope of each, typed option schemas, and one spelling for the same thing in every document.
#include <nlohmann/json.hpp>

#include <set>

#include "cli_test.hpp"
#include "lrq/version.hpp"
#include "support/raw_safetensors.hpp"

namespace lrq::test {
namespace {

using Json = nlohmann::json;

void expect_envelope(const Json& document, const std::string& kind) {
  EXPECT_EQ(document["schema_version"], 1) << kind;
  EXPECT_EQ(document["kind"], kind);
  EXPECT_EQ(document["lrq_version"], LRQ_VERSION) << kind;
}

Json parse_output(const HostRun& run) {
  EXPECT_EQ(run.exit_code, 0) << run.err;
  return Json::parse(run.out);
}

const Json& listed(const Json& plugins, const std::string& kind, const std::string& name) {
  for (const Json& plugin : plugins["plugins"]) {
    if (plugin["kind"] == kind && plugin["name"] == name) return plugin;
  }
  ADD_FAILURE() << kind << ' ' << name << " not listed";
  static const Json none;
  return none;
}

const Json& option_of(const Json& plugin, const std::string& name) {
  for (const Json& option : plugin["options"]) {
    if (option["name"] == name) return option;
  }
  ADD_FAILURE() << name << " not among " << plugin["name"] << "'s options";
  static const Json none;
  return none;
}

TEST(CliJsonDocuments, PluginsListTypedOptionSchemas) {
  const Json plugins = parse_output(run_host({"plugins", "--json"}));
  expect_envelope(plugins, "plugins");
  const std::set<std::string> keys = {"name",    "type",    "default",    "minimum",
                                      "maximum", "choices", "description"};
  for (const Json& plugin : plugins["plugins"]) {
    for (const Json& option : plugin["options"]) {
      std::set<std::string> found;
      for (const auto& [key, value] : option.items())
        found.insert(key);
      EXPECT_EQ(found, keys) << plugin["name"] << ' ' << option;
    }
  }
  const Json& original = listed(plugins, "optimizer", "original");
  const Json& num_iter = option_of(original, "num_iter");
  EXPECT_EQ(num_iter["type"], "integer");
  EXPECT_TRUE(num_iter["default"].is_number_integer()) << num_iter;
  EXPECT_EQ(num_iter["default"], 4000);
  EXPECT_TRUE(num_iter["minimum"].is_number_integer()) << num_iter;
  EXPECT_EQ(num_iter["minimum"], 0);
  EXPECT_EQ(num_iter["maximum"], 1'000'000'000) << num_iter;
  EXPECT_TRUE(num_iter["choices"].is_null()) << num_iter;
  const Json& lr_gamma = option_of(original, "lr_gamma");
  EXPECT_EQ(lr_gamma["type"], "number");
  EXPECT_TRUE(lr_gamma["maximum"].is_number_float()) << lr_gamma;
  EXPECT_EQ(lr_gamma["maximum"].get<double>(), 1.0);
  EXPECT_EQ(lr_gamma["default"].get<double>(), 0.99);

  const Json& int8_block = listed(plugins, "format", "int8_block");
  EXPECT_EQ(option_of(int8_block, "scale")["choices"],
            Json::parse(R"(["block", "tensor", "row"])"));
  EXPECT_EQ(option_of(int8_block, "scale")["type"], "string");
  EXPECT_EQ(option_of(int8_block, "block_size")["choices"], Json::parse("[64, 128]"));
  const Json& full_precision = option_of(int8_block, "full_precision_matrix_mult");
  EXPECT_EQ(full_precision["type"], "boolean");
  EXPECT_EQ(full_precision["default"], false);

  const Json& cpu = listed(plugins, "backend", "cpu");
  EXPECT_EQ(option_of(cpu, "threads")["maximum"], 4096);
  EXPECT_EQ(cpu["version"], "0.1.0");
  EXPECT_TRUE(cpu["abi"].is_string());
}

class CliJsonRun : public CliTest {};

// The plan, the run summary and the report of one conversion name the same things the same way.
TEST_F(CliJsonRun, PlanRunAndReportShareOneVocabulary) {
  const auto model = tiny_model();
  const auto output = file("out.safetensors");
  const std::vector<std::string> arguments = {
      "--format", "int8_block", "--set", "format.scale=row", "--set", "backend.threads=1"};
  std::vector<std::string> dry_run = arguments;
  dry_run.insert(dry_run.end(), {"--dry-run", "--json"});
  const Json plan = parse_output(convert(model, output, dry_run));
  expect_envelope(plan, "plan");

  std::vector<std::string> real = arguments;
  real.insert(real.end(), {"--json", "--profile-json", file("profile.json").string()});
  const Json run = parse_output(convert(model, output, real));
  expect_envelope(run, "run");
  const Json report = Json::parse(read_file(file("out.report.json")));
  expect_envelope(report, "report");
  const Json profile = Json::parse(read_file(file("profile.json")));
  expect_envelope(profile, "profile");
  EXPECT_EQ(profile["backend"], "cpu");
  EXPECT_EQ(profile["device"], "host CPU, 1 threads");

  // The run summary.
  EXPECT_EQ(run["output"], output.string());
  EXPECT_EQ(run["report"], file("out.report.json").string());
  EXPECT_EQ(run["input_bytes"], std::filesystem::file_size(model));
  EXPECT_EQ(run["output_bytes"], std::filesystem::file_size(output));
  EXPECT_GT(run["seconds"].get<double>(), 0.0);
  EXPECT_EQ(run["counts"], plan["counts"]);
  EXPECT_EQ(run["counts"]["quantize"], 36);
  EXPECT_EQ(run["verdict"], report["verdict"]);

  // The same keys at the top of all three.
  for (const char* key : {"input", "output", "format", "optimizer", "model", "backend", "counts"}) {
    EXPECT_EQ(plan[key], run[key]) << key;
    EXPECT_EQ(report[key], run[key]) << key;
  }
  EXPECT_EQ(run["format"], "int8_block");
  EXPECT_EQ(run["backend"], "cpu");
  // The plugins: the run adds the device the backend ran on.
  EXPECT_EQ(report["plugins"], run["plugins"]);
  EXPECT_EQ(run["plugins"]["backend"]["device"], "host CPU, 1 threads");
  Json without_device = run["plugins"];
  without_device["backend"].erase("device");
  EXPECT_EQ(plan["plugins"], without_device);
  // A configured plugin's options are the ones `plugins --json` lists for it, typed alike.
  const Json listing = parse_output(run_host({"plugins", "--json"}));
  const Json& options = run["plugins"]["format"]["options"];
  const Json& schema = listed(listing, "format", "int8_block")["options"];
  ASSERT_EQ(options.size(), schema.size());
  for (const Json& spec : schema) {
    ASSERT_TRUE(options.contains(spec["name"])) << spec;
    EXPECT_EQ(options[spec["name"].get<std::string>()].type(), spec["default"].type()) << spec;
  }
  EXPECT_EQ(options["scale"], "row");
  EXPECT_EQ(run["plugins"]["format"]["version"],
            listed(listing, "format", "int8_block")["version"]);
  EXPECT_EQ(run["plugins"]["format"]["path"], listed(listing, "format", "int8_block")["path"]);

  // Every tensor: the plan's keys, with the plan's values, in the report.
  ASSERT_EQ(plan["tensors"].size(), report["layers"].size());
  for (std::size_t i = 0; i < plan["tensors"].size(); ++i) {
    const Json& planned = plan["tensors"][i];
    const Json& done = report["layers"][i];
    for (const auto& [key, value] : planned.items())
      EXPECT_EQ(done[key], value) << key << " of " << planned["name"];
    if (planned["action"] == "quantize") {
      EXPECT_EQ(done["format"], "int8_block");
      EXPECT_EQ(done["format_label"], "int8_block(scale=row)");
      EXPECT_EQ(done["comfy_format"], "int8_tensorwise");
    }
  }
}

TEST_F(CliJsonRun, RunJsonKeepsStandardOutputForTheDocument) {
  const HostRun run = convert(tiny_model(), file("out.safetensors"),
                              {"--json", "--quiet", "--set", "report=false"});
  const Json summary = parse_output(run);
  EXPECT_TRUE(summary["report"].is_null());
  EXPECT_FALSE(std::filesystem::exists(file("out.report.json")));
}

class CliJsonBench : public CliTest {
 protected:
  std::vector<std::string> bench(const std::string& workload, const std::string& repeat) const {
    return {"bench",       workload,
            "--optimizer", "rtn",
            "--repeat",    repeat,
            "--set",       "calib_samples=64",
            "--set",       "backend.threads=1",
            "--work",      file("bench").string()};
  }
};

TEST_F(CliJsonBench, RepeatsEachRunAndGivesTheMedianAndRange) {
  std::vector<std::string> arguments = bench("tiny-flux", "2");
  arguments.push_back("--json");
  const Json document = parse_output(run_host(arguments));
  expect_envelope(document, "bench");
  EXPECT_EQ(document["workload"]["name"], "tiny-flux");
  EXPECT_EQ(document["workload"]["path"], (file("bench") / "tiny-flux.safetensors").string());
  EXPECT_EQ(document["repeat"], 2);
  EXPECT_GT(document["io_floor"]["seconds"].get<double>(), 0.0);
  ASSERT_EQ(document["backends"].size(), 1u);
  const Json& cpu = document["backends"][0];
  EXPECT_EQ(cpu["backend"], "cpu");
  EXPECT_TRUE(cpu["problem"].is_null());
  ASSERT_EQ(cpu["runs"].size(), 2u);
  const double first = cpu["runs"][0]["wall_seconds"].get<double>();
  const double second = cpu["runs"][1]["wall_seconds"].get<double>();
  EXPECT_DOUBLE_EQ(cpu["wall_seconds"]["median"].get<double>(), (first + second) / 2.0);
  EXPECT_EQ(cpu["wall_seconds"]["min"].get<double>(), std::min(first, second));
  EXPECT_EQ(cpu["wall_seconds"]["max"].get<double>(), std::max(first, second));
  for (const Json& run : cpu["runs"]) {
    EXPECT_EQ(run["profile"]["backend"], "cpu");
    EXPECT_GT(run["profile"]["wall_seconds"].get<double>(), 0.0);
  }
}

TEST_F(CliJsonBench, ConvertsTheUsersCheckpoint) {
  const auto model = tiny_model();
  std::vector<std::string> arguments = bench(model.string(), "1");
  arguments.push_back("--json");
  const Json document = parse_output(run_host(arguments));
  EXPECT_TRUE(document["workload"]["name"].is_null());
  EXPECT_EQ(document["workload"]["path"], model.string());
  EXPECT_EQ(document["workload"]["bytes"], std::filesystem::file_size(model));
  EXPECT_EQ(document["backends"][0]["runs"].size(), 1u);
  EXPECT_FALSE(std::filesystem::exists(file("bench") / "tiny-flux.safetensors"));

  const HostRun missing = run_host(bench(file("absent.safetensors").string(), "1"));
  EXPECT_EQ(missing.exit_code, 3);
  EXPECT_TRUE(contains(missing.err, "absent.safetensors")) << missing.err;
}

TEST_F(CliJsonBench, AnUnknownBackendOrRepeatIsAnErrorBeforeAnyRun) {
  std::vector<std::string> arguments = bench("tiny-flux", "1");
  arguments.insert(arguments.end(), {"--backends", "cpu,cpux"});
  const HostRun unknown = run_host(arguments);
  EXPECT_EQ(unknown.exit_code, 4);
  EXPECT_TRUE(contains(unknown.err,
                       "--backends: no backend plugin named 'cpux' (did you mean "
                       "'cpu'?); available: cpu"))
      << unknown.err;
  EXPECT_FALSE(std::filesystem::exists(file("bench") / "tiny-flux.safetensors"));

  const HostRun zero = run_host(bench("tiny-flux", "0"));
  EXPECT_EQ(zero.exit_code, 2);
  EXPECT_TRUE(contains(zero.err, "--repeat must be at least 1")) << zero.err;
}

}  // namespace
}  // namespace lrq::test
