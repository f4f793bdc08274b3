#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "lrq/abi.hpp"
#include "plugin_registry.hpp"
#include "support/temp_dir.hpp"
#include "unit/host/plugin_fixtures.hpp"

namespace lrq::host {
namespace {

namespace fs = std::filesystem;
using test::fixture_plugin;
using test::fixture_plugin_directory;
using test::only;
using Names = std::vector<std::string>;

std::string abi(unsigned major, unsigned minor) {
  return std::to_string(major) + "." + std::to_string(minor);
}

struct RejectedFixture {
  std::string name;
  std::string reason;
};

std::vector<RejectedFixture> rejected_fixtures() {
  const std::string host_abi = abi(LRQ_ABI_MAJOR, LRQ_ABI_MINOR);
  return {
      {"bad_name", "invalid format 'Bad-Name': names use only a-z, 0-9 and _"},
      {"garbage", "not a shared library: Unsupported binary format"},
      {"missing_dependency",
       "cannot load: liblrq_fixture_missing_helper.so: cannot open shared object file: No such "
       "file or directory"},
      {"newer_minor", "built for lrq ABI " + abi(LRQ_ABI_MAJOR, LRQ_ABI_MINOR + 1) +
                          ", this host supports " + host_abi},
      {"no_factories", "registered no factories"},
      {"not_a_plugin", "not an lrq plugin: no 'lrq_plugin_entry' in section 'lrq'"},
      {"null_descriptor", "lrq_plugin_entry returned no descriptor"},
      {"throws_on_register", "register_factories threw: registration failed on purpose"},
      {"wrong_abi", "built for lrq ABI 99.0, this host supports " + host_abi},
      {"wrong_toolchain", std::string("built with toolchain msvc-19;msvcprt;cxx11abi-na;abi-0, "
                                      "this host needs ") +
                              host_toolchain_fingerprint()},
  };
}

class RejectedFixtureTest : public ::testing::TestWithParam<RejectedFixture> {};

TEST_P(RejectedFixtureTest, IsSkippedWithItsReason) {
  PluginRegistry registry;
  registry.load({fixture_plugin_directory}, only({GetParam().name}));

  EXPECT_TRUE(registry.libraries().empty());
  EXPECT_TRUE(registry.factories().empty());
  ASSERT_EQ(registry.rejections().size(), 1u);
  EXPECT_EQ(registry.rejections()[0].path, fixture_plugin(GetParam().name));
  EXPECT_EQ(registry.rejections()[0].reason, GetParam().reason);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, RejectedFixtureTest, ::testing::ValuesIn(rejected_fixtures()),
                         [](const auto& test_case) { return test_case.param.name; });

TEST(PluginRegistry, LoadsTheGoodPluginWithOneFactoryOfEachKind) {
  PluginRegistry registry;
  registry.load({fixture_plugin_directory}, only({"good"}));

  EXPECT_TRUE(registry.rejections().empty());
  ASSERT_EQ(registry.libraries().size(), 1u);
  const LoadedLibrary& library = *registry.libraries()[0];
  EXPECT_EQ(library.path, fixture_plugin("good"));
  EXPECT_EQ(library.name, "good");
  EXPECT_EQ(library.version, "1.2.3");
  EXPECT_EQ(library.description, "fixture plugin that loads");
  EXPECT_EQ(abi(library.abi_major, library.abi_minor), abi(LRQ_ABI_MAJOR, LRQ_ABI_MINOR));
  EXPECT_EQ(library.toolchain, host_toolchain_fingerprint());

  ASSERT_NE(registry.format("good"), nullptr);
  ASSERT_NE(registry.optimizer("good"), nullptr);
  ASSERT_NE(registry.model_profile("good"), nullptr);
  ASSERT_NE(registry.backend("good"), nullptr);
  EXPECT_EQ(registry.format("good")->name(), "good");
  EXPECT_EQ(registry.format("missing"), nullptr);
  EXPECT_EQ(registry.backend("missing"), nullptr);
  for (PluginKind kind :
       {PluginKind::format, PluginKind::optimizer, PluginKind::model, PluginKind::backend}) {
    EXPECT_EQ(registry.names(kind), Names{"good"}) << kind_name(kind);
  }
}

TEST(PluginRegistry, ListsEachFactoryWithItsDescriptionAndLibrary) {
  PluginRegistry registry;
  registry.load({fixture_plugin_directory}, only({"good"}));

  const std::vector<FactoryListing> listing = registry.factories();
  ASSERT_EQ(listing.size(), 4u);
  const PluginKind kinds[] = {PluginKind::format, PluginKind::optimizer, PluginKind::model,
                              PluginKind::backend};
  for (std::size_t i = 0; i < listing.size(); ++i) {
    EXPECT_EQ(listing[i].kind, kinds[i]);
    EXPECT_EQ(listing[i].name, "good");
    EXPECT_EQ(listing[i].library, registry.libraries()[0]);
  }
  EXPECT_EQ(listing[0].description, "fixture format: int8, per-tensor scale");
  EXPECT_EQ(listing[3].description, "fixture backend: host memory, F32");
}

TEST(PluginRegistry, ScansAWholeDirectoryAndCarriesOnPastEveryBrokenFile) {
  PluginRegistry registry;
  registry.load({fixture_plugin_directory});

  ASSERT_EQ(registry.libraries().size(), 1u);
  EXPECT_EQ(registry.libraries()[0]->path, fixture_plugin("good"));

  std::vector<PluginRejection> expected;
  for (const RejectedFixture& fixture : rejected_fixtures()) {
    expected.push_back({fixture_plugin(fixture.name), fixture.reason});
  }
  expected.push_back(
      {fixture_plugin("late_duplicate"),
       "duplicate format 'good': already provided by " + fixture_plugin("good").string()});
  std::sort(expected.begin(), expected.end(),
            [](const auto& a, const auto& b) { return a.path < b.path; });
  ASSERT_EQ(registry.rejections().size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(registry.rejections()[i].path, expected[i].path);
    EXPECT_EQ(registry.rejections()[i].reason, expected[i].reason);
  }
}

TEST(PluginRegistry, LoadsAStrippedPlugin) {
  const fs::path stripped = fixture_plugin_directory / "stripped";
  if (!fs::exists(stripped)) GTEST_SKIP() << "no strip tool at build time";

  PluginRegistry registry;
  registry.load({stripped});

  EXPECT_TRUE(registry.rejections().empty());
  ASSERT_EQ(registry.libraries().size(), 1u);
  EXPECT_NE(registry.format("good"), nullptr);
}

TEST(PluginRegistry, RejectsALaterDuplicateAsAWhole) {
  PluginRegistry registry;
  registry.load({fixture_plugin_directory}, only({"good", "late_duplicate"}));

  ASSERT_EQ(registry.rejections().size(), 1u);
  EXPECT_EQ(registry.rejections()[0].path, fixture_plugin("late_duplicate"));
  EXPECT_EQ(registry.rejections()[0].reason,
            "duplicate format 'good': already provided by " + fixture_plugin("good").string());
  EXPECT_EQ(registry.format("duplicate_extra"), nullptr);
  EXPECT_EQ(registry.names(PluginKind::format), Names{"good"});
  EXPECT_EQ(registry.libraries().size(), 1u);
}

TEST(PluginRegistry, CommitsNothingFromAPluginWhoseRegistrationThrows) {
  PluginRegistry registry;
  registry.load({fixture_plugin_directory}, only({"throws_on_register"}));

  EXPECT_EQ(registry.format("throws_on_register"), nullptr);
  EXPECT_TRUE(registry.names(PluginKind::format).empty());
}

TEST(PluginRegistry, EarlierDirectoryWins) {
  test::TempDir scratch;
  const fs::path first = scratch.path() / "liblrq-format-good.so";
  fs::copy_file(fixture_plugin("good"), first);

  PluginRegistry registry;
  registry.load({scratch.path(), fixture_plugin_directory}, only({"good"}));

  ASSERT_EQ(registry.libraries().size(), 1u);
  EXPECT_EQ(registry.libraries()[0]->path, first);
  EXPECT_EQ(registry.format("good")->library()->path, first);
  ASSERT_EQ(registry.rejections().size(), 1u);
  EXPECT_EQ(registry.rejections()[0].path, fixture_plugin("good"));
  EXPECT_EQ(registry.rejections()[0].reason,
            "duplicate format 'good': already provided by " + first.string());
}

TEST(PluginRegistry, AsksTheFilterAboutEveryPluginFileAndIgnoresOtherFiles) {
  test::TempDir scratch;
  fs::copy_file(fixture_plugin("good"), scratch.path() / "liblrq-backend-good.so");
  for (const char* other : {"README.txt", "liblrq-widget-x.so", "liblrq-format-Bad.so",
                            "liblrq-format-.so", "liblrq-format-good.so.1", "lrq-format-good.so"}) {
    fs::copy_file(fixture_plugin("garbage"), scratch.path() / other);
  }
  fs::create_directory(scratch.path() / "liblrq-format-directory.so");

  std::vector<std::string> asked;
  PluginRegistry registry;
  registry.load({scratch.path()}, [&asked](std::string_view kind, std::string_view name) {
    asked.push_back(std::string(kind) + " " + std::string(name));
    return true;
  });

  EXPECT_EQ(asked, Names{"backend good"});
  EXPECT_TRUE(registry.rejections().empty());
  EXPECT_EQ(registry.libraries().size(), 1u);
}

TEST(PluginRegistry, LoadsOnlyTheFilesTheFilterWants) {
  std::vector<std::string> asked;
  PluginRegistry registry;
  registry.load({fixture_plugin_directory}, [&asked](std::string_view kind, std::string_view name) {
    asked.emplace_back(name);
    return kind == "format" && name == "good";
  });

  EXPECT_EQ(asked, (Names{"bad_name", "garbage", "good", "late_duplicate", "missing_dependency",
                          "newer_minor", "no_factories", "not_a_plugin", "null_descriptor",
                          "throws_on_register", "wrong_abi", "wrong_toolchain"}));
  EXPECT_EQ(registry.libraries().size(), 1u);
  EXPECT_TRUE(registry.rejections().empty());
}

TEST(PluginRegistry, RecordsADirectoryItCannotList) {
  test::TempDir scratch;
  const fs::path missing = scratch.path() / "missing";

  PluginRegistry registry;
  registry.load({missing, fixture_plugin_directory}, only({"good"}));

  ASSERT_EQ(registry.rejections().size(), 1u);
  EXPECT_EQ(registry.rejections()[0].path, missing);
  EXPECT_EQ(registry.rejections()[0].reason,
            "cannot list the directory: No such file or directory");
  EXPECT_EQ(registry.libraries().size(), 1u);
}

}  // namespace
}  // namespace lrq::host
