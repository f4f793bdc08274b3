#include <elf.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "lrq/abi.hpp"
#include "lrq/plugin.hpp"
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
  std::string kind = "format";

  fs::path path() const { return fixture_plugin(name, kind); }
};

std::vector<RejectedFixture> rejected_fixtures() {
  const std::string host_abi = abi(LRQ_ABI_MAJOR, LRQ_ABI_MINOR);
  const std::string compilers =
      "(plugin compiled by " + test::host_compiler() + ", host by " + test::host_compiler() + ")";
  const fs::path older_helper =
      fixture_plugin_directory / "older-helper" / "liblrq_fixture_versioned_helper.so";
  return {
      {"bad_name", "invalid format 'Bad-Name': names use only a-z, 0-9 and _"},
      {"garbage", "not a shared library (not an ELF file)"},
      {"misnamed", "the file name says plugin 'misnamed', its descriptor says 'good'", "optimizer"},
      {"missing_dependency",
       "cannot load: liblrq_fixture_missing_helper.so: cannot open shared object file: No such "
       "file or directory"},
      {"newer_library", "cannot load: " + older_helper.string() +
                            ": version `LRQ_FIXTURE_2' not found (required by " +
                            fixture_plugin("newer_library").string() +
                            "); the plugin was built against a newer "
                            "liblrq_fixture_versioned_helper.so than the one found here"},
      {"newer_minor", "built for lrq ABI " + abi(LRQ_ABI_MAJOR, LRQ_ABI_MINOR + 1) +
                          ", this host supports " + host_abi},
      {"no_factories", "registered no factories"},
      {"old_string_abi",
       "incompatible toolchain: plugin uses the pre-C++11 std::string ABI "
       "(_GLIBCXX_USE_CXX11_ABI=0), host uses the C++11 std::string ABI "
       "(_GLIBCXX_USE_CXX11_ABI=1) " +
           compilers},
      {"older_minor", "built for lrq ABI " + abi(LRQ_ABI_MAJOR, LRQ_ABI_MINOR - 1) +
                          ", this host supports " + host_abi},
      {"not_a_plugin", "not an lrq plugin: no 'lrq_plugin_entry' in section 'lrq'"},
      {"null_descriptor", "lrq_plugin_entry returned no descriptor"},
      {"short_descriptor",
       "descriptor is 4 bytes, this host reads " + std::to_string(sizeof(lrq_plugin_descriptor))},
      {"throws_on_register", "register_factories threw: registration failed on purpose"},
      {"wrong_abi", "built for lrq ABI 99.0, this host supports " + host_abi},
      {"wrong_factory", "registers no format 'wrong_factory'"},
      {"wrong_kind", "registers no optimizer 'wrong_kind'", "optimizer"},
      {"wrong_toolchain",
       "incompatible toolchain: plugin uses the C++ ABI 'msvc', host uses the Itanium C++ ABI "
       "(plugin compiled by msvc-19.38, host by " +
           test::host_compiler() + ")"},
  };
}

class RejectedFixtureTest : public ::testing::TestWithParam<RejectedFixture> {};

TEST_P(RejectedFixtureTest, IsSkippedWithItsReason) {
  PluginRegistry registry;
  registry.load({fixture_plugin_directory}, only({GetParam().name}, GetParam().kind));

  EXPECT_TRUE(registry.libraries().empty());
  EXPECT_TRUE(registry.factories().empty());
  ASSERT_EQ(registry.rejections().size(), 1u);
  EXPECT_EQ(registry.rejections()[0].path, GetParam().path());
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
    expected.push_back({fixture.path(), fixture.reason});
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
  EXPECT_EQ(registry.format("late_duplicate"), nullptr);
  EXPECT_EQ(registry.names(PluginKind::format), Names{"good"});
  EXPECT_EQ(registry.libraries().size(), 1u);
}

TEST(PluginRegistry, LoadsAPluginThatAlsoRegistersATakenNameWhenItComesFirst) {
  PluginRegistry registry;
  registry.load({fixture_plugin_directory}, only({"late_duplicate"}));

  EXPECT_TRUE(registry.rejections().empty());
  EXPECT_EQ(registry.names(PluginKind::format), (Names{"good", "late_duplicate"}));
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
                          "newer_library", "newer_minor", "no_factories", "not_a_plugin",
                          "null_descriptor", "old_string_abi", "older_minor", "short_descriptor",
                          "throws_on_register", "wrong_abi", "wrong_factory", "wrong_toolchain",
                          "misnamed", "wrong_kind"}));
  EXPECT_EQ(registry.libraries().size(), 1u);
  EXPECT_TRUE(registry.rejections().empty());
}

// Boost's own words for these ("basic_ios::clear: iostream error") do not say what is wrong.
TEST(PluginRegistry, RejectsATruncatedElfFile) {
  std::ifstream good(fixture_plugin("good"), std::ios::binary);
  const std::string bytes{std::istreambuf_iterator<char>(good), {}};
  ASSERT_GT(bytes.size(), 64u);

  const std::string no_header = "shorter than an ELF header";
  const std::string no_table = "section header table past the end of the file";
  const std::pair<std::size_t, std::string> cases[] = {{0, no_header},
                                                       {4, no_header},
                                                       {64, no_table},
                                                       {bytes.size() / 2, no_table},
                                                       {bytes.size() - 1, no_table}};
  for (const auto& [kept, problem] : cases) {
    test::TempDir scratch;
    const fs::path truncated = scratch.path() / "liblrq-format-good.so";
    std::ofstream(truncated, std::ios::binary)
        .write(bytes.data(), static_cast<std::streamsize>(kept));

    PluginRegistry registry;
    registry.load({scratch.path()});

    ASSERT_EQ(registry.rejections().size(), 1u) << kept << " bytes";
    EXPECT_EQ(registry.rejections()[0].reason,
              "not a shared library (truncated or malformed ELF file: " + problem + ")")
        << kept << " bytes";
  }
}

#if defined(__x86_64__) || defined(__aarch64__)
// The dynamic loader's own words for these are "cannot open shared object file: No such file or
// directory".
TEST(PluginRegistry, RejectsAPluginBuiltForAnotherMachine) {
#if defined(__x86_64__)
  const std::string host_machine = "x86-64";
  const std::pair<Elf64_Half, std::string> other_machine{EM_AARCH64, "AArch64"};
#else
  const std::string host_machine = "AArch64";
  const std::pair<Elf64_Half, std::string> other_machine{EM_X86_64, "x86-64"};
#endif
  std::ifstream good(fixture_plugin("good"), std::ios::binary);
  std::string bytes{std::istreambuf_iterator<char>(good), {}};
  const std::pair<Elf64_Half, std::string> cases[] = {other_machine, {0xBEEF, "ELF machine 48879"}};
  for (const auto& [machine, name] : cases) {
    test::TempDir scratch;
    std::memcpy(bytes.data() + offsetof(Elf64_Ehdr, e_machine), &machine, sizeof machine);
    std::ofstream(scratch.path() / "liblrq-format-good.so", std::ios::binary)
        .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));

    PluginRegistry registry;
    registry.load({scratch.path()});

    ASSERT_EQ(registry.rejections().size(), 1u) << name;
    EXPECT_EQ(registry.rejections()[0].reason,
              "built for " + name + ", this host runs on " + host_machine);
  }
}
#endif

#if defined(__x86_64__)
// Before the machine was checked first, the ELF checks called these "not a shared library (not a
// 64-bit ELF file)" or "(not a little-endian ELF file)".
TEST(PluginRegistry, NamesTheMachineOfA32BitOrBigEndianPlugin) {
  struct Target {
    unsigned char elf_class;
    unsigned char byte_order;
    Elf64_Half machine;
    std::string name;
  };
  const Target targets[] = {{ELFCLASS32, ELFDATA2LSB, EM_386, "i386"},
                            {ELFCLASS32, ELFDATA2LSB, EM_ARM, "ARM (32-bit)"},
                            {ELFCLASS32, ELFDATA2LSB, EM_X86_64, "x86-64 (32-bit)"},
                            {ELFCLASS64, ELFDATA2MSB, EM_S390, "s390x"},
                            {ELFCLASS64, ELFDATA2MSB, EM_PPC64, "ppc64 (big-endian)"}};
  std::ifstream good(fixture_plugin("good"), std::ios::binary);
  const std::string original{std::istreambuf_iterator<char>(good), {}};
  for (const Target& target : targets) {
    std::string bytes = original;
    bytes[EI_CLASS] = static_cast<char>(target.elf_class);
    bytes[EI_DATA] = static_cast<char>(target.byte_order);
    const bool big_endian = target.byte_order == ELFDATA2MSB;
    bytes[offsetof(Elf64_Ehdr, e_machine)] =
        static_cast<char>(big_endian ? target.machine >> 8 : target.machine & 0xFF);
    bytes[offsetof(Elf64_Ehdr, e_machine) + 1] =
        static_cast<char>(big_endian ? target.machine & 0xFF : target.machine >> 8);
    test::TempDir scratch;
    std::ofstream(scratch.path() / "liblrq-format-good.so", std::ios::binary)
        .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));

    PluginRegistry registry;
    registry.load({scratch.path()});

    ASSERT_EQ(registry.rejections().size(), 1u) << target.name;
    EXPECT_EQ(registry.rejections()[0].reason,
              "built for " + target.name + ", this host runs on x86-64");
  }
}
#endif

// A real plugin from a cross compiler (tests/fixtures/plugins/ForeignPlugins.cmake).
TEST(PluginRegistry, RejectsAPluginCrossCompiledForAnotherMachine) {
  const std::string foreign_machine = LRQ_TEST_FOREIGN_MACHINE;
  if (foreign_machine.empty()) {
    GTEST_SKIP() << "no cross compiler was found when CMake configured this build (install "
                    "g++-aarch64-linux-gnu, e.g. with scripts/install-deps.sh --tests)";
  }
  PluginRegistry registry;
  registry.load({fixture_plugin_directory / "foreign"});

  ASSERT_EQ(registry.rejections().size(), 1u);
  EXPECT_EQ(registry.rejections()[0].reason,
            "built for " + foreign_machine + ", this host runs on " +
                (foreign_machine == "AArch64" ? "x86-64" : "AArch64"));
}

// Loading runs the file's static initialisers: one that crashes or exits would take the host with
// it, so each file is loaded in a child process first.
TEST(PluginRegistry, RejectsAPluginThatCrashesOrExitsWhileLoading) {
  PluginRegistry registry;
  registry.load({fixture_plugin_directory / "crashing-on-load", fixture_plugin_directory},
                [](std::string_view kind, std::string_view name) {
                  return kind == "model" || (kind == "format" && name == "good");
                });

  const fs::path directory = fixture_plugin_directory / "crashing-on-load";
  ASSERT_EQ(registry.rejections().size(), 2u);
  EXPECT_EQ(registry.rejections()[0].path, directory / "liblrq-model-exit_on_load.so");
  EXPECT_EQ(registry.rejections()[0].reason, "exited with status 0 while loading");
  EXPECT_EQ(registry.rejections()[1].path, directory / "liblrq-model-segv_on_load.so");
  EXPECT_EQ(registry.rejections()[1].reason, "crashed while loading: SIGSEGV");
  ASSERT_EQ(registry.libraries().size(), 1u);
  EXPECT_EQ(registry.libraries()[0]->name, "good");
}

// Children load their share of the files in turn; after a file that ends one, the next child goes
// on with the files after it.
TEST(PluginRegistry, LoadsTheFilesAfterOneThatCrashedItsProbe) {
  const fs::path crashing = fixture_plugin_directory / "crashing-on-load";
  test::TempDir scratch;
  fs::copy_file(crashing / "liblrq-model-segv_on_load.so", scratch.file("liblrq-format-a.so"));
  fs::copy_file(crashing / "liblrq-model-exit_on_load.so", scratch.file("liblrq-format-b.so"));
  fs::copy_file(crashing / "liblrq-model-segv_on_load.so", scratch.file("liblrq-format-c.so"));
  fs::copy_file(fixture_plugin("good"), scratch.file("liblrq-format-good.so"));

  PluginRegistry registry;
  registry.load({scratch.path()});

  ASSERT_EQ(registry.rejections().size(), 3u);
  EXPECT_EQ(registry.rejections()[0].reason, "crashed while loading: SIGSEGV");
  EXPECT_EQ(registry.rejections()[1].reason, "exited with status 0 while loading");
  EXPECT_EQ(registry.rejections()[2].reason, "crashed while loading: SIGSEGV");
  ASSERT_EQ(registry.libraries().size(), 1u);
  EXPECT_EQ(registry.libraries()[0]->path, scratch.file("liblrq-format-good.so"));
}

TEST(PluginRegistry, GivesTheRejectionsOfTheFilesNamedForAKindAndName) {
  test::TempDir scratch;
  const fs::path first = scratch.path() / "liblrq-format-good.so";
  fs::copy_file(fixture_plugin("good"), first);
  const fs::path missing = scratch.path() / "missing";

  PluginRegistry registry;
  registry.load({missing, scratch.path(), fixture_plugin_directory});

  const auto paths = [&registry](PluginKind kind, std::string_view name) {
    std::vector<fs::path> result;
    for (const PluginRejection& rejection : registry.rejections_for(kind, name)) {
      result.push_back(rejection.path);
    }
    return result;
  };
  using Paths = std::vector<fs::path>;
  EXPECT_EQ(paths(PluginKind::format, "good"), Paths{fixture_plugin("good")});
  EXPECT_EQ(paths(PluginKind::format, "wrong_abi"), Paths{fixture_plugin("wrong_abi")});
  EXPECT_EQ(paths(PluginKind::optimizer, "misnamed"),
            Paths{fixture_plugin("misnamed", "optimizer")});
  EXPECT_TRUE(paths(PluginKind::optimizer, "wrong_abi").empty());
  EXPECT_TRUE(paths(PluginKind::optimizer, "good").empty());
  EXPECT_TRUE(paths(PluginKind::format, "missing").empty());

  const std::vector<PluginRejection> wrong_abi =
      registry.rejections_for(PluginKind::format, "wrong_abi");
  ASSERT_EQ(wrong_abi.size(), 1u);
  EXPECT_EQ(wrong_abi[0].reason,
            "built for lrq ABI 99.0, this host supports " + abi(LRQ_ABI_MAJOR, LRQ_ABI_MINOR));
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
