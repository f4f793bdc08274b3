// `backend.devices`: one backend worker per listed device, and two on its `device` when none are
// listed. Checked here without a GPU through the fixture backend 'deviceless' (it has a `device`
// option and is never available); on a machine with a GPU, two workers on device 0 write what one
// writes.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli_test.hpp"
#include "support/raw_safetensors.hpp"

namespace lrq::test {
namespace {

constexpr int kRecipeError = 4;

class CliDevices : public CliTest {
 protected:
  // `lrq-host run RECIPE --input tiny-flux --dry-run` with the fixture backends.
  HostRun dry_run(const std::string& backend_section, std::vector<std::string> extra = {}) {
    const auto recipe = file("recipe.yaml");
    write_file(recipe, "format: fp8\nmodel: generic\nbackend: " + backend_section + "\n");
    std::vector<std::string> arguments = {
        "run", recipe.string(), "--input", model_.string(), "--plugin-dir", backends_, "--dry-run"};
    arguments.insert(arguments.end(), extra.begin(), extra.end());
    return run_host(arguments);
  }

  const std::filesystem::path model_ = tiny_model();
  const std::string backends_ = std::string(LRQ_TEST_FIXTURE_PLUGIN_DIRECTORY) + "/backends";
};

TEST_F(CliDevices, AreShownInThePlanAndTheBackendLabel) {
  const HostRun run = dry_run("{name: deviceless, devices: [1, 1, 0]}", {"--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto plan = nlohmann::json::parse(run.out);
  EXPECT_EQ(plan["plugins"]["backend"]["devices"], nlohmann::json::parse("[1, 1, 0]"));
  EXPECT_EQ(plan["plugins"]["backend"]["label"], "deviceless(devices=1,1,0)");
  EXPECT_EQ(plan["plugins"]["backend"]["options"], nlohmann::json::parse(R"({"device": 0})"));

  const HostRun set = dry_run("deviceless", {"--json", "--set", "backend.devices=2,3"});
  ASSERT_EQ(set.exit_code, 0) << set.err;
  EXPECT_EQ(nlohmann::json::parse(set.out)["plugins"]["backend"]["devices"],
            nlohmann::json::parse("[2, 3]"));
}

TEST_F(CliDevices, WithoutAListABackendRunsTwoWorkersOnItsDevice) {
  struct Case {
    std::string section;
    std::string devices;
    std::string label;
  };
  for (const Case& written : {
           Case{"deviceless", "[0, 0]", "deviceless"},
           Case{"{name: deviceless, device: 3}", "[3, 3]", "deviceless(device=3)"},
           Case{"{name: deviceless, devices: [3]}", "[3]", "deviceless(devices=3)"},
       }) {
    const HostRun run = dry_run(written.section, {"--json"});
    ASSERT_EQ(run.exit_code, 0) << written.section << ": " << run.err;
    const auto backend = nlohmann::json::parse(run.out)["plugins"]["backend"];
    EXPECT_EQ(backend["devices"], nlohmann::json::parse(written.devices)) << written.section;
    EXPECT_EQ(backend["label"], written.label) << written.section;
  }
  const HostRun cpu = dry_run("cpu", {"--json"});
  ASSERT_EQ(cpu.exit_code, 0) << cpu.err;
  EXPECT_FALSE(nlohmann::json::parse(cpu.out)["plugins"]["backend"].contains("devices"));
}

TEST_F(CliDevices, AWrongListIsARecipeErrorAtItsKey) {
  struct Case {
    std::string section;
    std::string message;
  };
  for (const Case& bad : {
           Case{"{name: cpu, devices: [0, 1]}",
                "recipe.yaml:3:22: 'backend.devices' needs a backend with a 'device' option; "
                "backend 'cpu' has none"},
           Case{"{name: deviceless, devices: [0, 8]}",
                "recipe.yaml:3:29: 'backend.devices' lists '8', which is not a device index (0 to "
                "7)"},
           Case{"{name: deviceless, devices: [0, -1]}", "lists '-1', which is not a device index"},
           Case{"{name: deviceless, devices: [gpu0]}", "lists 'gpu0', which is not a device index"},
           Case{"{name: deviceless, devices: []}",
                "'backend.devices' is a list of device indices, e.g. [0, 1], got an empty list"},
           Case{"{name: deviceless, devices: [[0], [1]]}",
                "e.g. [0, 1], got an empty list or one "
                "of lists"},
           Case{"{name: deviceless, devices: {a: 0}}", "e.g. [0, 1], got a map"},
           Case{"{name: deviceless, device: 1, devices: [0]}",
                "'backend.devices' and 'backend.device' are both given; keep one"},
       }) {
    const HostRun run = dry_run(bad.section);
    EXPECT_EQ(run.exit_code, kRecipeError) << bad.section;
    EXPECT_TRUE(contains(run.err, bad.message)) << bad.section << ": " << run.err;
  }
  const HostRun set = dry_run("deviceless", {"--set", "backend.devices=0,x"});
  EXPECT_EQ(set.exit_code, kRecipeError);
  EXPECT_TRUE(contains(set.err, "(--set backend.devices=0,x): 'backend.devices' lists 'x'"))
      << set.err;
}

TEST_F(CliDevices, TwoWorkersOnOneGpuWriteWhatOneWrites) {
  if (!LRQ_TEST_CUDA_BACKENDS) GTEST_SKIP() << "built without the CUDA backends";
  const std::vector<std::string> learned = {
      "--backend", "cuda", "--optimizer", "original", "--set", "optimizer.num_iter=40", "--json"};
  std::vector<std::string> one_worker = learned;
  one_worker.insert(one_worker.end(), {"--set", "backend.devices=0"});
  const HostRun one = convert(model_, file("one.safetensors"), one_worker);
  if (one.exit_code != 0) GTEST_SKIP() << "no usable GPU for the cuda backend: " << one.err;
  const HostRun two = convert(model_, file("two.safetensors"), learned);  // the default
  ASSERT_EQ(two.exit_code, 0) << two.err;
  EXPECT_EQ(read_file(file("one.safetensors")), read_file(file("two.safetensors")));
  const auto device = [](const HostRun& run) {
    return nlohmann::json::parse(run.out)["plugins"]["backend"]["device"].get<std::string>();
  };
  EXPECT_FALSE(contains(device(one), "workers")) << one.out;
  EXPECT_TRUE(contains(device(two), ", 2 workers")) << two.out;
}

}  // namespace
}  // namespace lrq::test
