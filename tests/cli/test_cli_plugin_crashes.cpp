// A plugin that crashes, exits or was built for another machine, and an input truncated while
// being read: lrq-host says what happened and leaves no temporary file behind.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <thread>

#include "cli_test.hpp"

namespace lrq::test {
namespace {

namespace fs = std::filesystem;

const fs::path kFixtures = LRQ_TEST_FIXTURE_PLUGIN_DIRECTORY;
const fs::path kCrashingInCalls = kFixtures / "crashing";
const fs::path kCrashingOnLoad = kFixtures / "crashing-on-load";
constexpr int kPluginFailure = 5;

struct CrashCase {
  std::string optimizer;  // tests/fixtures/plugins/crashing/crashing_optimizer.cpp
  int signal_number;
};

class CliPluginFailure : public CliTest {};

class CliPluginCrash : public CliTest, public ::testing::WithParamInterface<CrashCase> {};

TEST_P(CliPluginCrash, RemovesTheTemporaryOutputAndNamesThePlugin) {
  const CrashCase& crash = GetParam();
  const fs::path output = file("out.safetensors");
  const HostRun run =
      convert(tiny_model(), output,
              {"--plugin-dir", kCrashingInCalls.string(), "--optimizer", crash.optimizer});
  EXPECT_EQ(run.exit_code, 128 + crash.signal_number) << run.err;
  const fs::path plugin = kCrashingInCalls / ("liblrq-optimizer-" + crash.optimizer + ".so");
  const std::string expected = "error: plugin '" + crash.optimizer + "' (" + plugin.string() +
                               ") crashed with SIG" + sigabbrev_np(crash.signal_number) +
                               " during a call; the unfinished output was removed\n";
  EXPECT_TRUE(contains(run.err, expected)) << run.err;
  EXPECT_TRUE(leftovers().empty()) << "the temporary file was left behind";
  EXPECT_FALSE(fs::exists(output));
}

INSTANTIATE_TEST_SUITE_P(Crashes, CliPluginCrash,
                         ::testing::Values(CrashCase{"crash_segv", SIGSEGV},
                                           CrashCase{"crash_stack", SIGSEGV},
                                           CrashCase{"crash_abort", SIGABRT},
                                           CrashCase{"crash_trap", SIGILL},
                                           CrashCase{"crash_divide", SIGFPE}),
                         [](const auto& param_info) { return param_info.param.optimizer; });

TEST_F(CliPluginFailure, APluginThatCallsExitFailsTheRunAndNamesThePlugin) {
  const fs::path output = file("out.safetensors");
  const HostRun run =
      convert(tiny_model(), output,
              {"--plugin-dir", kCrashingInCalls.string(), "--optimizer", "crash_exit"});
  EXPECT_EQ(run.exit_code, kPluginFailure) << run.err;
  const fs::path plugin = kCrashingInCalls / "liblrq-optimizer-crash_exit.so";
  EXPECT_TRUE(contains(run.err, "error: plugin 'crash_exit' (" + plugin.string() +
                                    ") called exit(3) during a call; the unfinished output was "
                                    "removed\n"))
      << run.err;
  EXPECT_TRUE(leftovers().empty()) << "the temporary file was left behind";
  EXPECT_FALSE(fs::exists(output));
}

TEST(CliPluginsCrashingOnLoad, AreListedAsRejectedAndTheOthersStillLoad) {
  const HostRun run = run_host({"plugins", "--plugin-dir", kCrashingOnLoad.string()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(contains(run.out, (kCrashingOnLoad / "liblrq-model-segv_on_load.so").string() +
                                    ": crashed while loading: SIGSEGV\n"))
      << run.out;
  EXPECT_TRUE(contains(run.out, (kCrashingOnLoad / "liblrq-model-exit_on_load.so").string() +
                                    ": exited with status 0 while loading\n"))
      << run.out;
  for (const char* name : {"fp8", "rtn", "generic", "cpu"})
    EXPECT_TRUE(contains(run.out, std::string(" ") + name + " ")) << name;
}

TEST_F(CliPluginFailure, AnAutomaticProfileSurvivesAProfileThatCrashesOnLoad) {
  const fs::path output = file("out.safetensors");
  const HostRun run =
      convert(tiny_model(), output, {"--plugin-dir", kCrashingOnLoad.string(), "--model", "auto"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(fs::exists(output));
}

// Another process truncates the input while lrq-host reads it: the pages past the new end are
// gone, and reading them is SIGBUS. The run must say so, name the file and leave nothing behind.
// Truncating early in the run is a race that the conversion can win on a fast machine, so the
// test tries a few times.
TEST_F(CliPluginFailure, AnInputTruncatedWhileBeingReadIsReportedAndLeavesNothing) {
  constexpr int kLayers = 32;
  const Shape shape = {1024, 1024};
  std::vector<TensorInfo> tensors;
  for (int i = 0; i < kLayers; ++i)
    tensors.push_back({"blocks." + std::to_string(i) + ".linear.weight", DType::F32, shape});
  const fs::path output = file("out.safetensors");
  HostRun run;
  for (int attempt = 0; attempt < 5; ++attempt) {
    const fs::path input = write_model("large.safetensors", tensors);
    const auto header_end = fs::file_size(input) - kLayers * 4 * 1024 * 1024;
    HostProcess host({"run", example_recipe(), "--input", input.string(), "--output",
                      output.string(), "--overwrite", "--set", "backend.threads=1", "--progress",
                      "none"});
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (leftovers().empty() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    ASSERT_FALSE(leftovers().empty()) << "the conversion never started writing";
    ASSERT_EQ(truncate(input.c_str(), static_cast<off_t>(header_end)), 0);
    run = host.wait();
    if (run.exit_code != 0) {
      EXPECT_EQ(run.exit_code, 128 + SIGBUS) << run.err;
      EXPECT_TRUE(contains(run.err, "error: input file '" + input.string() +
                                        "' changed or was truncated while being read (SIGBUS); "
                                        "the unfinished output was removed\n"))
          << run.err;
      EXPECT_TRUE(leftovers().empty()) << "the temporary file was left behind";
      EXPECT_FALSE(fs::exists(output));
      return;
    }
  }
  FAIL() << "the conversion finished every time before the input was truncated";
}

}  // namespace
}  // namespace lrq::test
