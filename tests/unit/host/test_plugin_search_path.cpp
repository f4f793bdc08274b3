#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "plugin_search_path.hpp"
#include "support/temp_dir.hpp"

namespace lrq::host {
namespace {

namespace fs = std::filesystem;
using Paths = std::vector<fs::path>;

class PluginSearchPathTest : public ::testing::Test {
 protected:
  test::TempDir scratch;
  // canonical, because temp_directory_path() may lie behind a symlink
  fs::path dir(const std::string& name) const {
    return fs::canonical(scratch.make_directory(name));
  }
};

TEST_F(PluginSearchPathTest,
       OrdersCommandLineThenEnvironmentThenExecutableDirectoryThenInstallDirectory) {
  const fs::path cli_a = dir("cli_a"), cli_b = dir("cli_b");
  const fs::path env_a = dir("env_a"), env_b = dir("env_b");
  const fs::path beside_exe = dir("prefix/lib/lrq/plugins");
  const fs::path installed = dir("usr/lib/x86_64-linux-gnu/lrq/plugins");
  dir("prefix/bin");

  const Paths path = plugin_search_path(PluginSearchSources{{cli_b, cli_a},
                                                            env_a.string() + ":" + env_b.string(),
                                                            scratch.path() / "prefix/bin/lrq-host",
                                                            installed});

  EXPECT_EQ(path, (Paths{cli_b, cli_a, env_a, env_b, beside_exe, installed}));
}

TEST_F(PluginSearchPathTest, LeavesOutMissingDirectoriesAndEmptyEntries) {
  const fs::path present = dir("present");
  const fs::path missing = scratch.path() / "missing";

  testing::internal::CaptureStderr();
  const Paths path = plugin_search_path(PluginSearchSources{{missing, present},
                                                            "::" + missing.string() + ":",
                                                            scratch.path() / "bin/lrq-host",
                                                            scratch.path() / "not-installed"});
  testing::internal::GetCapturedStderr();

  EXPECT_EQ(path, (Paths{present}));
}

TEST_F(PluginSearchPathTest, LeavesOutFilesThatAreNotDirectories) {
  const fs::path file = dir("d") / "file";
  std::ofstream(file).put('x');

  testing::internal::CaptureStderr();
  const Paths path = plugin_search_path(PluginSearchSources{{file}, file.string(), file, file});
  testing::internal::GetCapturedStderr();

  EXPECT_TRUE(path.empty());
}

TEST_F(PluginSearchPathTest, WarnsAboutEachUnusableExplicitDirectory) {
  const fs::path missing = scratch.path() / "missing";
  const fs::path file = dir("d") / "file";
  std::ofstream(file).put('x');

  testing::internal::CaptureStderr();
  plugin_search_path(
      PluginSearchSources{{missing}, file.string() + ":" + missing.string() + "/gone", {}, {}});
  const std::string warnings = testing::internal::GetCapturedStderr();

  EXPECT_EQ(warnings, "warning: plugin directory '" + missing.string() +
                          "' (from --plugin-dir) does not exist; ignored\n"
                          "warning: plugin directory '" +
                          file.string() +
                          "' (from LRQ_PLUGIN_PATH) is not a directory; ignored\n"
                          "warning: plugin directory '" +
                          missing.string() +
                          "/gone' (from LRQ_PLUGIN_PATH) does not exist; ignored\n");
}

TEST_F(PluginSearchPathTest, SaysNothingAboutMissingDefaultDirectories) {
  testing::internal::CaptureStderr();
  const Paths path = plugin_search_path(PluginSearchSources{
      {}, "", scratch.path() / "bin/lrq-host", scratch.path() / "lib/lrq/plugins"});
  const std::string warnings = testing::internal::GetCapturedStderr();

  EXPECT_TRUE(path.empty());
  EXPECT_EQ(warnings, "");
}

TEST_F(PluginSearchPathTest, KeepsTheFirstOfEquivalentSpellings) {
  const fs::path plugins = dir("prefix/lib/lrq/plugins");
  const fs::path other = dir("other");
  fs::create_directory_symlink(plugins, scratch.path() / "link");
  dir("prefix/bin");

  const Paths path = plugin_search_path(
      PluginSearchSources{{plugins / ".", other, scratch.path() / "link"},
                          (other / ".." / "other").string() + ":" + plugins.string(),
                          scratch.path() / "prefix/bin/lrq-host",
                          scratch.path() / "link"});

  EXPECT_EQ(path, (Paths{plugins, other}));
}

TEST_F(PluginSearchPathTest, ResolvesRelativeCommandLineDirectories) {
  const fs::path plugins = dir("relative");
  const fs::path previous = fs::current_path();
  fs::current_path(scratch.path());

  const Paths path = plugin_search_path(PluginSearchSources{{"relative"}, "", {}, {}});

  fs::current_path(previous);
  EXPECT_EQ(path, (Paths{plugins}));
}

// Sets an environment variable for the lifetime of the object.
class ScopedEnvironment {
 public:
  ScopedEnvironment(const char* name, const std::string& value) : name_(name) {
    if (const char* old = getenv(name)) previous_ = old;
    setenv(name, value.c_str(), 1);
  }
  ~ScopedEnvironment() {
    if (previous_) {
      setenv(name_, previous_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }
  ScopedEnvironment(const ScopedEnvironment&) = delete;
  ScopedEnvironment& operator=(const ScopedEnvironment&) = delete;

 private:
  const char* name_;
  std::optional<std::string> previous_;
};

TEST_F(PluginSearchPathTest, ReadsLrqPluginPathFromTheEnvironment) {
  const fs::path cli = dir("cli"), env_a = dir("env_a"), env_b = dir("env_b");
  const ScopedEnvironment environment("LRQ_PLUGIN_PATH", env_a.string() + ":" + env_b.string());

  const Paths path = plugin_search_path(Paths{cli});

  ASSERT_GE(path.size(), 3u);
  EXPECT_EQ(Paths(path.begin(), path.begin() + 3), (Paths{cli, env_a, env_b}));
}

TEST_F(PluginSearchPathTest, UsesTheRunningExecutablesDirectoryAndTheInstallDirectory) {
  const ScopedEnvironment environment("LRQ_PLUGIN_PATH", "");
  const fs::path beside_exe = running_executable().parent_path() / ".." / "lib" / "lrq" / "plugins";
  Paths expected;
  for (const fs::path& directory : {beside_exe, installed_plugin_directory()}) {
    if (fs::is_directory(directory)) expected.push_back(fs::canonical(directory));
  }
  expected.erase(std::unique(expected.begin(), expected.end()), expected.end());

  EXPECT_EQ(plugin_search_path(Paths{}), expected);
}

TEST(InstalledPluginDirectory, IsAnAbsoluteLrqPluginsDirectory) {
  const fs::path directory = installed_plugin_directory();
  EXPECT_TRUE(directory.is_absolute()) << directory;
  EXPECT_EQ(directory.parent_path().filename(), "lrq") << directory;
  EXPECT_EQ(directory.filename(), "plugins") << directory;
}

TEST(RunningExecutable, IsThisTestProgram) {
  const fs::path executable = running_executable();
  ASSERT_FALSE(executable.empty());
  EXPECT_TRUE(executable.is_absolute());
  EXPECT_TRUE(fs::equivalent(executable, "/proc/self/exe"));
}

}  // namespace
}  // namespace lrq::host
