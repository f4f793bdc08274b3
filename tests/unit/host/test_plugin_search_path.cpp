#include <stdlib.h>

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

TEST_F(PluginSearchPathTest, OrdersCommandLineThenEnvironmentThenExecutableDirectory) {
  const fs::path cli_a = dir("cli_a"), cli_b = dir("cli_b");
  const fs::path env_a = dir("env_a"), env_b = dir("env_b");
  const fs::path beside_exe = dir("prefix/lib/lrq/plugins");
  dir("prefix/bin");

  const Paths path =
      plugin_search_path(PluginSearchSources{{cli_b, cli_a},
                                             env_a.string() + ":" + env_b.string(),
                                             scratch.path() / "prefix/bin/lrq-host"});

  EXPECT_EQ(path, (Paths{cli_b, cli_a, env_a, env_b, beside_exe}));
}

TEST_F(PluginSearchPathTest, LeavesOutMissingDirectoriesAndEmptyEntries) {
  const fs::path present = dir("present");
  const fs::path missing = scratch.path() / "missing";

  const Paths path = plugin_search_path(PluginSearchSources{
      {missing, present}, "::" + missing.string() + ":", scratch.path() / "bin/lrq-host"});

  EXPECT_EQ(path, (Paths{present}));
}

TEST_F(PluginSearchPathTest, LeavesOutFilesThatAreNotDirectories) {
  const fs::path file = dir("d") / "file";
  std::ofstream(file).put('x');

  EXPECT_TRUE(plugin_search_path(PluginSearchSources{{file}, "", {}}).empty());
}

TEST_F(PluginSearchPathTest, KeepsTheFirstOfEquivalentSpellings) {
  const fs::path plugins = dir("prefix/lib/lrq/plugins");
  const fs::path other = dir("other");
  fs::create_directory_symlink(plugins, scratch.path() / "link");
  dir("prefix/bin");

  const Paths path = plugin_search_path(
      PluginSearchSources{{plugins / ".", other, scratch.path() / "link"},
                          (other / ".." / "other").string() + ":" + plugins.string(),
                          scratch.path() / "prefix/bin/lrq-host"});

  EXPECT_EQ(path, (Paths{plugins, other}));
}

TEST_F(PluginSearchPathTest, ResolvesRelativeCommandLineDirectories) {
  const fs::path plugins = dir("relative");
  const fs::path previous = fs::current_path();
  fs::current_path(scratch.path());

  const Paths path = plugin_search_path(PluginSearchSources{{"relative"}, "", {}});

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

TEST_F(PluginSearchPathTest, UsesTheRunningExecutablesDirectory) {
  const ScopedEnvironment environment("LRQ_PLUGIN_PATH", "");
  const fs::path beside_exe = running_executable().parent_path() / ".." / "lib" / "lrq" / "plugins";

  const Paths path = plugin_search_path(Paths{});

  if (fs::is_directory(beside_exe)) {
    EXPECT_EQ(path, (Paths{fs::canonical(beside_exe)}));
  } else {
    EXPECT_TRUE(path.empty());
  }
}

TEST(RunningExecutable, IsThisTestProgram) {
  const fs::path executable = running_executable();
  ASSERT_FALSE(executable.empty());
  EXPECT_TRUE(executable.is_absolute());
  EXPECT_TRUE(fs::equivalent(executable, "/proc/self/exe"));
}

}  // namespace
}  // namespace lrq::host
