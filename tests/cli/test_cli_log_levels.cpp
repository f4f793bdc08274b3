// --quiet, --verbose and --log-level decide which messages reach standard error, on every
// command; bad values of them and of --progress are usage errors.
#include <re2/re2.h>

#include <nlohmann/json.hpp>

#include "cli_test.hpp"

namespace lrq::test {
namespace {

constexpr int kUsage = 2;
const std::string kProfileInfo = "model profile: flux (auto: ";
const std::string kMissingDirectoryWarning =
    "warning: plugin directory '/nonexistent/lrq-plugins' (from --plugin-dir) does not exist";

class CliLogLevels : public CliTest {
 protected:
  // A conversion of tiny-flux that logs an info message (the profile chosen) and a warning (a
  // missing plugin directory).
  HostRun convert_with_messages(const std::vector<std::string>& extra) {
    std::vector<std::string> arguments = {"--model", "auto", "--plugin-dir",
                                          "/nonexistent/lrq-plugins"};
    arguments.insert(arguments.end(), extra.begin(), extra.end());
    const HostRun run = convert(tiny_model(), file("out.safetensors"), arguments);
    EXPECT_EQ(run.exit_code, 0) << run.err;
    return run;
  }
};

TEST_F(CliLogLevels, InfoAndWarningsByDefault) {
  const HostRun run = convert_with_messages({});
  EXPECT_TRUE(contains(run.err, kProfileInfo)) << run.err;
  EXPECT_TRUE(contains(run.err, kMissingDirectoryWarning)) << run.err;
  EXPECT_FALSE(contains(run.err, "debug: ")) << run.err;
}

TEST_F(CliLogLevels, QuietKeepsWarningsAndErrorsOnly) {
  const HostRun run = convert_with_messages({"--quiet"});
  EXPECT_EQ(run.out, file("out.safetensors").string() + "\n");
  EXPECT_EQ(run.err, kMissingDirectoryWarning + "; ignored\n");
}

TEST_F(CliLogLevels, LogLevelErrorSilencesWarnings) {
  EXPECT_EQ(convert_with_messages({"--log-level", "error"}).err, "");
  EXPECT_EQ(convert_with_messages({"--quiet", "--log-level", "error"}).err, "");
}

TEST_F(CliLogLevels, LogLevelOverridesQuietsDefault) {
  const HostRun run = convert_with_messages({"--quiet", "--log-level", "info"});
  EXPECT_EQ(run.out, file("out.safetensors").string() + "\n");
  EXPECT_TRUE(contains(run.err, kProfileInfo)) << run.err;
}

TEST_F(CliLogLevels, VerboseNamesEveryConvertedLayerAndThePluginDirectories) {
  const HostRun dry =
      convert(tiny_model(), file("out.safetensors"), {"--model", "auto", "--dry-run", "--json"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  const auto quantized = nlohmann::json::parse(dry.out)["counts"]["quantize"].get<std::ptrdiff_t>();
  ASSERT_GT(quantized, 0);

  const RE2 converted(R"(debug: converted \S+\.weight \[\d+, \d+\] with \S+ / \S+ in )"
                      R"(\d+\.\d{3} s\n)");
  for (const char* flag : {"--verbose", "-v"}) {
    const HostRun run = convert_with_messages({flag, "--quiet"});
    re2::StringPiece rest(run.err);
    std::ptrdiff_t lines = 0;
    while (RE2::FindAndConsume(&rest, converted))
      ++lines;
    EXPECT_EQ(lines, quantized) << run.err;
    EXPECT_TRUE(contains(run.err, "debug: plugin directories, in search order: ")) << run.err;
    EXPECT_TRUE(contains(run.err, kProfileInfo)) << run.err;
  }
}

TEST_F(CliLogLevels, EveryCommandTakesThem) {
  const std::vector<std::string> missing = {"--plugin-dir", "/nonexistent/lrq-plugins"};
  std::vector<std::string> plugins = {"plugins"};
  plugins.insert(plugins.end(), missing.begin(), missing.end());
  EXPECT_TRUE(contains(run_host(plugins).err, kMissingDirectoryWarning));
  plugins.insert(plugins.end(), {"--log-level", "error"});
  const HostRun quiet_plugins = run_host(plugins);
  EXPECT_EQ(quiet_plugins.exit_code, 0) << quiet_plugins.err;
  EXPECT_EQ(quiet_plugins.err, "");

  const HostRun inspect = run_host({"inspect", tiny_model().string(), "--verbose"});
  EXPECT_EQ(inspect.exit_code, 0) << inspect.err;
  const HostRun generate = run_host(
      {"generate", "tiny-flux", "-o", file("g.safetensors").string(), "--log-level", "warning"});
  EXPECT_EQ(generate.exit_code, 0) << generate.err;
}

TEST_F(CliLogLevels, BadValuesAreUsageErrors) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--log-level", "loud"},
       "error: the argument ('loud') for option '--log-level' is not one of error, warning, info, "
       "debug\n"},
      {{"--verbose", "--log-level", "info"}, "error: give --verbose or --log-level, not both\n"},
      {{"--progress", "bars"},
       "error: the argument ('bars') for option '--progress' is not one of auto, bar, lines, none "
       "(did you mean 'bar'?)\n"},
      {{"--progress-interval", "-1"},
       "error: --progress-interval: -1.0 is not a number of seconds from 0 to 86400\n"},
  };
  for (const auto& [extra, message] : cases) {
    const HostRun run = convert(tiny_model(), file("out.safetensors"), extra);
    EXPECT_EQ(run.exit_code, kUsage) << run.err;
    EXPECT_TRUE(run.err.starts_with(message)) << run.err;
    EXPECT_FALSE(std::filesystem::exists(file("out.safetensors")));
  }
}

}  // namespace
}  // namespace lrq::test
