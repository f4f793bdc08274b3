// run --profile and --profile-json, and bench: what they print and write (never how fast). The
// JSON documents of both are checked in test_cli_json_documents.cpp.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "cli_test.hpp"
#include "support/raw_safetensors.hpp"

namespace lrq::test {
namespace {

const std::vector<std::string> kStages = {"read",     "upload",   "svd",
                                          "optimize", "quantize", "bias_correction",
                                          "evaluate", "download", "write"};

std::string title(std::string stage) {
  std::replace(stage.begin(), stage.end(), '_', ' ');
  return stage;
}

void expect_profile_json(const nlohmann::json& profile) {
  for (const std::string& stage : kStages) {
    ASSERT_TRUE(profile["stages"].contains(stage)) << stage;
    EXPECT_GE(profile["stages"][stage]["seconds"].get<double>(), 0.0) << stage;
  }
  EXPECT_GT(profile["wall_seconds"].get<double>(), 0.0);
  EXPECT_GT(profile["stages"]["svd"]["gemm_flops"].get<double>(), 0.0);
  EXPECT_GT(profile["stages"]["optimize"]["gemm_flops"].get<double>(), 0.0);
  EXPECT_GT(profile["peak_rss_bytes"].get<std::uint64_t>(), 0u);
  EXPECT_EQ(profile["peak_device_bytes"], 0);  // the cpu backend computes in host memory
  EXPECT_TRUE(profile.contains("svd_optimize_tflops"));
}

class CliProfile : public CliTest {
 protected:
  // Learned rounding, kept small, so that every stage has work.
  const std::vector<std::string> learned_ = {
      "--optimizer", "original",         "--set", "optimizer.num_iter=10",
      "--set",       "optimizer.rank=8", "--set", "calib_samples=64",
      "--set",       "backend.threads=1"};
};

TEST_F(CliProfile, RunPrintsEveryStageAndAddsTheProfileToTheReport) {
  std::vector<std::string> arguments = learned_;
  arguments.push_back("--profile");
  const HostRun run = convert(tiny_model(), file("out.safetensors"), arguments);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::string profile = run.out.substr(run.out.find("\nprofile: "));
  EXPECT_TRUE(contains(profile, "s wall, cpu: host CPU, 1 threads")) << profile;
  for (const std::string& stage : kStages)
    EXPECT_TRUE(contains(profile, "\n  " + title(stage) + " ")) << stage << '\n' << profile;
  EXPECT_TRUE(contains(profile, "TFLOP/s")) << profile;
  EXPECT_TRUE(contains(profile, "peak host RSS")) << profile;
  EXPECT_TRUE(contains(profile, "peak device memory")) << profile;
  expect_profile_json(nlohmann::json::parse(read_file(file("out.report.json")))["profile"]);
}

TEST_F(CliProfile, ProfileJsonWritesTheProfileAndPrintsNoMore) {
  std::vector<std::string> arguments = learned_;
  arguments.insert(arguments.end(), {"--profile-json", file("profile.json").string(), "--quiet"});
  const HostRun run = convert(tiny_model(), file("out.safetensors"), arguments);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, file("out.safetensors").string() + "\n");
  expect_profile_json(nlohmann::json::parse(read_file(file("profile.json"))));
}

TEST_F(CliProfile, RunsWithoutProfileHaveNone) {
  const HostRun run = convert(tiny_model(), file("out.safetensors"), learned_);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_FALSE(contains(run.out, "\nprofile: ")) << run.out;
  EXPECT_FALSE(nlohmann::json::parse(read_file(file("out.report.json"))).contains("profile"));
}

TEST_F(CliProfile, BenchPrintsTheIoFloorAndATable) {
  const auto work = file("bench");
  // The --set values reach every run: they keep it quick.
  const std::vector<std::string> arguments = {
      "bench",  "tiny-flux",  "--optimizer",      "rtn",   "--repeat",
      "1",      "--set",      "calib_samples=64", "--set", "backend.threads=1",
      "--work", work.string()};
  const HostRun first = run_host(arguments);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_TRUE(contains(first.err, "generating tiny-flux")) << first.err;
  EXPECT_TRUE(contains(first.out, "--set calib_samples=64 --set backend.threads=1, 1 time per"))
      << first.out;
  EXPECT_TRUE(contains(first.out, "I/O floor: ")) << first.out;
  EXPECT_TRUE(contains(first.out, "from the page cache")) << first.out;
  EXPECT_TRUE(contains(first.out, "write and fsync 7.")) << first.out;  // the fp8 output's size
  for (const std::string row : {"wall time (s)", "  min - max", "x I/O floor", "peak RSS",
                                "peak GPU memory", "svd+optimize TFLOP/s", "device"}) {
    EXPECT_TRUE(contains(first.out, "\n  " + row)) << row << '\n' << first.out;
  }
  for (const std::string& stage : kStages)
    EXPECT_TRUE(contains(first.out, "\n    " + title(stage) + " ")) << stage;
  // Only the workload (and the recipe) stay; the next bench reuses it.
  std::vector<std::string> kept;
  for (const auto& entry : std::filesystem::directory_iterator(work))
    kept.push_back(entry.path().filename().string());
  std::sort(kept.begin(), kept.end());
  EXPECT_EQ(kept, (std::vector<std::string>{"bench.yaml", "tiny-flux.safetensors"}));

  std::vector<std::string> keep = arguments;
  keep.push_back("--keep");
  const HostRun again = run_host(keep);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_FALSE(contains(again.out, "generating")) << again.out;
  EXPECT_TRUE(std::filesystem::exists(work / "tiny-flux-cpu.safetensors"));
  EXPECT_TRUE(std::filesystem::exists(work / "tiny-flux-cpu.profile.json"));
}

}  // namespace
}  // namespace lrq::test
