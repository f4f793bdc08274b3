// A run killed outright (SIGKILL) at any moment leaves the output path as it was (nothing, or the
// previous complete file) and at most one staging directory, which the next run writing the same
// output removes; a full file system at any stage is exit 7 naming the file, with nothing left.
#include <signal.h>
#include <sys/mount.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <thread>

#include "cli_test.hpp"
#include "support/raw_safetensors.hpp"

namespace lrq::test {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr int kIo = 7;

// Entries of `directory` with the staging marker in their name; ADD_FAILURE for any other file than
// `expected` beside them (a temporary file of another name).
std::vector<fs::path> staging_entries(const fs::path& directory,
                                      const std::set<std::string>& expected) {
  std::vector<fs::path> found;
  for (const fs::directory_entry& entry : fs::directory_iterator(directory)) {
    const std::string name = entry.path().filename().string();
    if (contains(name, ".lrq-tmp-")) {
      found.push_back(entry.path());
    } else if (!expected.contains(name)) {
      ADD_FAILURE() << "left behind: " << name;
    }
  }
  return found;
}

// Entries of `directory` with the staging marker in their name.
std::vector<fs::path> staging_entries(const fs::path& directory) {
  std::vector<fs::path> found;
  for (const fs::directory_entry& entry : fs::directory_iterator(directory)) {
    if (contains(entry.path().filename().string(), ".lrq-tmp-")) found.push_back(entry.path());
  }
  return found;
}

// The bytes of `path`, or nullopt where there is no file.
std::optional<std::string> contents(const fs::path& path) {
  if (!fs::exists(path)) return std::nullopt;
  return read_file(path);
}

class CliCrashSafety : public CliTest {
 protected:
  // flux-block-small in F32 (44 MB) on one thread: a conversion takes a second or so.
  fs::path larger_model() {
    const fs::path path = file("flux-block-small.safetensors");
    const HostRun run =
        run_host({"generate", "flux-block-small", "--output", path.string(), "--dtype", "f32"});
    EXPECT_EQ(run.exit_code, 0) << run.err;
    return path;
  }

  std::vector<std::string> run_arguments(const fs::path& input, const fs::path& output,
                                         const std::vector<std::string>& extra = {}) const {
    std::vector<std::string> arguments = {"run",          example_recipe(),   "--input",
                                          input.string(), "--output",         output.string(),
                                          "--overwrite",  "--progress",       "none",
                                          "--set",        "backend.threads=1"};
    arguments.insert(arguments.end(), extra.begin(), extra.end());
    return arguments;
  }
};

// What one kill left, for the summary.
struct KillOutcomes {
  int nothing = 0;
  int previous = 0;
  int completed = 0;  // killed after the commit, or not before the run ended
  int staging_left = 0;
  int staging_removed_by_next_run = 0;
};

TEST_F(CliCrashSafety, KillNineAtRandomPointsLeavesNothingOrThePreviousOutput) {
  const fs::path model = larger_model();
  const fs::path output = file("out.safetensors");

  // The previous output differs from what the killed runs write (scales per row, not per tensor).
  // The quicker of the two runs gives the time the kills spread over.
  Clock::time_point start = Clock::now();
  const HostRun first = run_host(run_arguments(model, output, {"--set", "format.scale=row"}));
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const std::string previous = read_file(output);
  start = Clock::now();
  ASSERT_EQ(run_host(run_arguments(model, output)).exit_code, 0);
  seconds = std::min(seconds, std::chrono::duration<double>(Clock::now() - start).count());
  const std::string complete = read_file(output);
  ASSERT_NE(previous, complete);

  constexpr int kPoints = 24;
  const std::uint32_t seed = std::random_device{}();
  std::mt19937 random(seed);
  std::uniform_real_distribution<double> within(0.0, 1.0);
  KillOutcomes outcomes;
  std::optional<fs::path> stale;  // the staging directory a killed run left
  for (int point = 0; point < kPoints; ++point) {
    // Spread over the run and a little past it, with the previous output in place every other time.
    const double delay = (point + within(random)) / kPoints * seconds * 1.1;
    const bool with_previous = point % 2 == 1;
    fs::remove(output);
    if (with_previous) write_file(output, previous);
    SCOPED_TRACE("seed " + std::to_string(seed) + ", kill after " + std::to_string(delay) + " s, " +
                 (with_previous ? "with" : "without") + " a previous output");

    start = Clock::now();
    HostProcess host(run_arguments(model, output));
    std::this_thread::sleep_for(std::chrono::duration<double>(delay));
    kill(host.pid(), SIGKILL);
    const HostRun killed = host.wait();
    EXPECT_TRUE(killed.exit_code == 128 + SIGKILL || killed.exit_code == 0) << killed.err;
    // A run that finished before its kill was quicker than the two above (they ran on a busier
    // machine): the later points spread over its time instead.
    if (killed.exit_code == 0) {
      seconds = std::min(seconds, std::chrono::duration<double>(Clock::now() - start).count());
    }

    const std::optional<std::string> left = contents(output);
    if (!left) {
      EXPECT_FALSE(with_previous) << "the previous output was removed";
      ++outcomes.nothing;
    } else if (*left == previous) {
      EXPECT_TRUE(with_previous);
      ++outcomes.previous;
    } else {
      EXPECT_EQ(*left, complete) << "the output is neither the previous nor a complete one";
      ++outcomes.completed;
    }

    // This run, when it got as far, removed the staging directory the last one left.
    const std::vector<fs::path> staging = staging_entries(
        output.parent_path(),
        {model.filename().string(), "out.safetensors", "out.report.json", "out.report.html"});
    ASSERT_LE(staging.size(), 1u);
    if (stale && !fs::exists(*stale)) {
      EXPECT_TRUE(contains(killed.err, "warning: removed " + stale->string())) << killed.err;
      ++outcomes.staging_removed_by_next_run;
      stale.reset();
    }
    if (!staging.empty() && staging.front() != stale) {
      EXPECT_TRUE(staging.front().filename().string().starts_with("out.safetensors.lrq-tmp-"))
          << staging.front();
      EXPECT_TRUE(fs::is_directory(staging.front()));
      ++outcomes.staging_left;
      stale = staging.front();
    }
  }
  if (stale) {
    const HostRun next = run_host(run_arguments(tiny_model(), output));
    EXPECT_EQ(next.exit_code, 0) << next.err;
    EXPECT_TRUE(contains(next.err, "warning: removed " + stale->string())) << next.err;
    if (!fs::exists(*stale)) ++outcomes.staging_removed_by_next_run;
  }
  EXPECT_TRUE(staging_entries(output.parent_path()).empty());
  std::cout << "kill -9 at " << kPoints << " points (seed " << seed << ", run " << seconds
            << " s): nothing " << outcomes.nothing << ", previous " << outcomes.previous
            << ", complete " << outcomes.completed << "; staging directory left "
            << outcomes.staging_left << ", removed by the next run "
            << outcomes.staging_removed_by_next_run << '\n';
  EXPECT_EQ(outcomes.staging_removed_by_next_run, outcomes.staging_left);
  // The points reach into the conversion: most kills must have found it under way.
  EXPECT_GT(outcomes.nothing + outcomes.previous, kPoints / 2);
}

// A staging directory of a running process (another run writing the same output) is left alone.
TEST_F(CliCrashSafety, TheNextRunLeavesTheStagingDirectoryOfALiveProcessAlone) {
  const fs::path output = file("out.safetensors");
  const fs::path live = file("out.safetensors.lrq-tmp-1");  // process 1 always runs
  fs::create_directory(live);
  const HostRun run = convert(tiny_model(), output);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(fs::is_directory(live));
  EXPECT_FALSE(contains(run.err, "removed")) << run.err;
}

// A tmpfs of a given size mounted on a fresh directory while it lives; where mounting is not
// allowed (not root, no CAP_SYS_ADMIN), error() says why.
class SmallFileSystem {
 public:
  SmallFileSystem(const fs::path& directory, std::uint64_t bytes) : directory_(directory) {
    fs::create_directories(directory_);
    const std::string options = "size=" + std::to_string(bytes);
    if (mount("tmpfs", directory_.c_str(), "tmpfs", 0, options.c_str()) != 0) {
      error_ = std::strerror(errno);
    }
  }
  ~SmallFileSystem() {
    if (error_.empty()) umount2(directory_.c_str(), MNT_DETACH);
  }
  SmallFileSystem(const SmallFileSystem&) = delete;
  SmallFileSystem& operator=(const SmallFileSystem&) = delete;

  const std::string& error() const { return error_; }

 private:
  fs::path directory_;
  std::string error_;
};

constexpr std::uint64_t kPage = 4096;

// Each test runs tiny-flux into a tmpfs sized from a complete run of the same options, made once
// for all into DIR/size-OPTIONS; the test's run goes into DIR/full-OPTIONS, a path of the same
// length, so that its reports have the same size.
class CliFullDisk : public CliTest {
 protected:
  static void SetUpTestSuite() {
    shared_ = std::make_unique<TempDir>();
    model_ = shared_->file("tiny-flux.safetensors");
    const HostRun generated = run_host({"generate", "tiny-flux", "--output", model_.string()});
    ASSERT_EQ(generated.exit_code, 0) << generated.err;
    for (const auto& [name, extra] : kOptions) {
      const fs::path directory = shared_->make_directory("size-" + std::string(name));
      const HostRun run = convert(directory, extra);
      ASSERT_EQ(run.exit_code, 0) << run.err;
    }
  }
  static void TearDownTestSuite() { shared_.reset(); }

  // The pages a complete run of the options `options` wrote to `name`.
  static std::uint64_t pages(std::string_view options, const std::string& name) {
    const fs::path path = shared_->file("size-" + std::string(options)) / name;
    return (fs::file_size(path) + kPage - 1) / kPage;
  }

  // A run with `options` into a tmpfs of `pages`: exit 7 naming `failing`, and nothing left there.
  // Where no tmpfs can be mounted, a file size limit (RLIMIT_FSIZE) of as many bytes stands in
  // for it when `file_limit_will_do`: it stops the output too, but no file after it.
  void expect_full_disk(std::uint64_t pages, std::string_view options, const std::string& failing,
                        bool file_limit_will_do = false) {
    const fs::path directory = shared_->file("full-" + std::string(options));
    const SmallFileSystem small(directory, pages * kPage);
    HostRunOptions limit;
    if (!small.error().empty()) {
      if (!file_limit_will_do) {
        GTEST_SKIP() << "cannot mount a tmpfs (" << small.error()
                     << "), and a file size limit would stop the output before " << failing;
      }
      std::cout << "cannot mount a tmpfs (" << small.error() << "): a file size limit instead\n";
      limit.file_size_limit = pages * kPage;
    }
    const HostRun run = convert(directory, kOptions.at(options), limit);
    std::cout << "full disk of " << pages << " pages, failing at " << failing << ": exit "
              << run.exit_code << ", " << run.err;
    EXPECT_EQ(run.exit_code, kIo) << run.err;
    EXPECT_TRUE(contains(run.err, failing)) << run.err;
    std::vector<std::string> left;
    for (const fs::directory_entry& entry : fs::directory_iterator(directory))
      left.push_back(entry.path().filename().string());
    EXPECT_EQ(left, std::vector<std::string>{}) << "a failed run left files behind";
  }

 private:
  static HostRun convert(const fs::path& directory, const std::vector<std::string>& extra,
                         const HostRunOptions& options = {}) {
    std::vector<std::string> arguments = {"run",        example_recipe(),
                                          "--input",    model_.string(),
                                          "--output",   (directory / "out.safetensors").string(),
                                          "--progress", "none",
                                          "--set",      "backend.threads=1"};
    for (const std::string& argument : extra) {
      arguments.push_back(argument == "PROFILE" ? (directory / "out.profile.json").string()
                                                : argument);
    }
    return run_host(arguments, options);
  }

  static inline const std::map<std::string_view, std::vector<std::string>> kOptions = {
      {"plain", {}},
      {"profile", {"--profile-json", "PROFILE"}},
      {"sharded", {"--shard-size", "3MB"}}};
  static inline std::unique_ptr<TempDir> shared_;
  static inline fs::path model_;
};

TEST_F(CliFullDisk, DuringTheOutput) {
  expect_full_disk(pages("plain", "out.safetensors") / 2, "plain", "out.safetensors", true);
}

// The profile is written right after the output.
TEST_F(CliFullDisk, DuringTheProfile) {
  expect_full_disk(pages("profile", "out.safetensors"), "profile", "out.profile.json");
}

// Half the report's pages (or the HTML's) in reserve: its timings may take a few more bytes.
TEST_F(CliFullDisk, DuringTheReport) {
  expect_full_disk(pages("plain", "out.safetensors") + pages("plain", "out.report.json") / 2,
                   "plain", "out.report.json");
}

TEST_F(CliFullDisk, DuringTheHtmlReport) {
  expect_full_disk(pages("plain", "out.safetensors") + pages("plain", "out.report.json") +
                       pages("plain", "out.report.html") / 2,
                   "plain", "out.report.html");
}

TEST_F(CliFullDisk, DuringTheShards) {
  expect_full_disk(pages("sharded", "out-00001-of-00003.safetensors") +
                       pages("sharded", "out-00002-of-00003.safetensors") / 2,
                   "sharded", "-of-00003.safetensors");
}

TEST_F(CliFullDisk, DuringTheShardIndex) {
  std::uint64_t shards = 0;
  for (int shard = 1; shard <= 3; ++shard) {
    shards += pages("sharded", "out-0000" + std::to_string(shard) + "-of-00003.safetensors");
  }
  expect_full_disk(shards, "sharded", "out.safetensors.index.json");
}

}  // namespace
}  // namespace lrq::test
