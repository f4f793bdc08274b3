// Plugins built by clang++ and loaded by this host (built by the project's compiler): accepted on
// the same standard library, rejected with the reason on libc++. The calls into the clang-built
// good plugin are tested with the others in test_guarded_plugin_calls.cpp.
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "plugin_registry.hpp"
#include "unit/host/plugin_fixtures.hpp"

namespace lrq::host {
namespace {

namespace fs = std::filesystem;
using test::clang_fixture_compiler;
using test::clang_fixture_plugin_directory;
using test::only;

TEST(ClangPlugins, LoadsTheGoodPluginBuiltByClangAgainstLibstdcxx) {
  if (clang_fixture_compiler.empty()) GTEST_SKIP() << test::no_clang_fixtures;

  PluginRegistry registry;
  registry.load({clang_fixture_plugin_directory}, only({"good"}));

  EXPECT_TRUE(registry.rejections().empty());
  ASSERT_EQ(registry.libraries().size(), 1u);
  const LoadedLibrary& library = *registry.libraries()[0];
  EXPECT_EQ(library.path, clang_fixture_plugin_directory / "liblrq-format-good.so");
  EXPECT_TRUE(library.toolchain.starts_with("compiler=" + clang_fixture_compiler + ";"))
      << library.toolchain;
  for (PluginKind kind :
       {PluginKind::format, PluginKind::optimizer, PluginKind::model, PluginKind::backend}) {
    EXPECT_EQ(registry.names(kind), std::vector<std::string>{"good"}) << kind_name(kind);
  }
}

class LibcxxPlugins : public ::testing::Test {
 protected:
  void SetUp() override {
    if (clang_fixture_compiler.empty()) GTEST_SKIP() << test::no_clang_fixtures;
    if (!test::clang_fixture_against_libcxx) {
      GTEST_SKIP() << "clang++ could not build against libc++ when CMake configured this build "
                      "(install libc++-dev and libc++abi-dev, e.g. with scripts/install-deps.sh "
                      "--tests, and reconfigure)";
    }
  }
};

TEST_F(LibcxxPlugins, TheHandshakeRejectsOneWithTheReason) {
  PluginRegistry registry;
  registry.load({clang_fixture_plugin_directory}, only({"libcxx"}));

  EXPECT_TRUE(registry.libraries().empty());
  ASSERT_EQ(registry.rejections().size(), 1u);
  EXPECT_EQ(registry.rejections()[0].path,
            clang_fixture_plugin_directory / "liblrq-format-libcxx.so");
  EXPECT_EQ(registry.rejections()[0].reason,
            "incompatible toolchain: plugin built against libc++, host uses libstdc++ (plugin "
            "compiled by " +
                clang_fixture_compiler + ", host by " + test::host_compiler() + ")");
}

// Its calls into liblrq_core name libc++'s std::__1::string, which liblrq_core does not define:
// the dynamic loader refuses it before the handshake, so the reason names the symbol.
TEST_F(LibcxxPlugins, TheLoaderRefusesOneThatCallsIntoLrqWithTheReason) {
  PluginRegistry registry;
  registry.load({clang_fixture_plugin_directory}, only({"libcxx_calls"}));

  EXPECT_TRUE(registry.libraries().empty());
  ASSERT_EQ(registry.rejections().size(), 1u);
  const fs::path path = clang_fixture_plugin_directory / "liblrq-format-libcxx_calls.so";
  const std::string& reason = registry.rejections()[0].reason;
  EXPECT_TRUE(reason.starts_with("cannot load: " + path.string() + ": undefined symbol: _ZN"))
      << reason;
  EXPECT_TRUE(reason.ends_with(
      ", of libc++ (std::__1): the plugin was built against libc++, this host uses libstdc++"))
      << reason;
}

}  // namespace
}  // namespace lrq::host
