// Names from a file with control bytes (a terminal escape, a newline, a carriage return) never
// reach the terminal raw: tables, error messages and log lines show them escaped.
#include <string>

#include "cli_test.hpp"
#include "support/raw_safetensors.hpp"

namespace lrq::test {
namespace {

const std::string kHostile = "evil\x1b[31m\n\rX";
const std::string kShown = "evil\\x1b[31m\\x0a\\x0dX";

::testing::AssertionResult nothing_raw(const std::string& text) {
  if (contains(text, "\x1b")) return ::testing::AssertionFailure() << "a raw ESC in: " << text;
  if (contains(text, "\r")) return ::testing::AssertionFailure() << "a raw CR in: " << text;
  if (contains(text, "[31m\n"))
    return ::testing::AssertionFailure() << "a raw newline in: " << text;
  return ::testing::AssertionSuccess();
}

class CliHostileNames : public CliTest {
 protected:
  // A file whose only tensor has the hostile name and an unknown dtype.
  std::filesystem::path unreadable() const {
    const auto path = file("unreadable.safetensors");
    write_file(path, raw_file(R"({"evil\u001b[31m\n\rX":{"dtype":"F4","shape":[1],)"
                              R"("data_offsets":[0,1]}})",
                              "a"));
    return path;
  }
};

TEST_F(CliHostileNames, InspectShowsNamesAndMetadataEscaped) {
  const auto model =
      write_model("hostile.safetensors", {{kHostile + ".weight", DType::F32, {4, 4}}},
                  {{kHostile + ".key", kHostile + ".value"}});
  const HostRun run = run_host({"inspect", model.string()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(nothing_raw(run.out));
  EXPECT_TRUE(nothing_raw(run.err));
  EXPECT_TRUE(contains(run.out, kShown + ".weight")) << run.out;
  EXPECT_TRUE(contains(run.out, kShown + ".key = " + kShown + ".value")) << run.out;
}

TEST_F(CliHostileNames, InspectAndRunErrorsShowTheNameEscaped) {
  const HostRun inspect = run_host({"inspect", unreadable().string()});
  EXPECT_EQ(inspect.exit_code, 3) << inspect.err;
  EXPECT_TRUE(nothing_raw(inspect.err));
  EXPECT_TRUE(contains(inspect.err, "tensor '" + kShown + "': unknown dtype")) << inspect.err;
  const HostRun run = convert(unreadable(), file("out.safetensors"));
  EXPECT_EQ(run.exit_code, 3) << run.err;
  EXPECT_TRUE(nothing_raw(run.err));
  EXPECT_TRUE(contains(run.err, "tensor '" + kShown + "': unknown dtype")) << run.err;
}

TEST_F(CliHostileNames, TheVerboseLogShowsConvertedLayersEscaped) {
  const auto model =
      write_model("hostile.safetensors", {{kHostile + ".weight", DType::F32, {128, 128}}});
  const auto recipe = file("recipe.yaml");
  write_file(recipe, "format: fp8\nmodel: generic\n");
  const HostRun run = convert(model, file("out.safetensors"), {"--verbose"}, {}, recipe.string());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(nothing_raw(run.err));
  EXPECT_TRUE(contains(run.err, "debug: converted " + kShown + ".weight")) << run.err;
  // Only messages escape names: the output keeps the name as it was.
  EXPECT_NE(SafetensorsReader(file("out.safetensors")).find(kHostile + ".weight"), nullptr);
}

}  // namespace
}  // namespace lrq::test
