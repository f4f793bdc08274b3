// Choosing the model profile on the command line: `auto` (the default) with the fixture profiles
// alpha and beta, its fallback to generic, and a named profile that does not match the input.
#include <nlohmann/json.hpp>

#include "cli_test.hpp"
#include "support/raw_safetensors.hpp"

namespace lrq::test {
namespace {

const std::string kFixtureProfiles = std::string(LRQ_TEST_FIXTURE_PLUGIN_DIRECTORY) + "/profiles";

class CliProfiles : public CliTest {
 protected:
  // Weights [128, 128] of these names, and a recipe with these lines after `format: fp8`.
  HostRun run_on(const std::vector<std::string>& weights, const std::string& recipe_lines,
                 const std::vector<std::string>& extra = {"--dry-run"}) {
    std::vector<TensorInfo> tensors;
    for (const std::string& name : weights)
      tensors.push_back({name, DType::F32, {128, 128}});
    const auto model = write_model("model.safetensors", tensors);
    write_file(recipe(), "format: fp8\n" + recipe_lines);
    std::vector<std::string> arguments = {"run",          recipe().string(), "--input",
                                          model.string(), "--output",        output().string(),
                                          "--plugin-dir", kFixtureProfiles};
    arguments.insert(arguments.end(), extra.begin(), extra.end());
    return run_host(arguments);
  }

  std::filesystem::path recipe() const { return file("recipe.yaml"); }
  std::filesystem::path output() const { return file("out.safetensors"); }
};

TEST_F(CliProfiles, AutoIsTheDefaultAndPicksTheProfileThatRecognisesTheModel) {
  const HostRun run =
      run_on({"alpha.a.weight", "alpha.b.weight", "beta.c.weight"}, "", {"--dry-run", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.err, "output: " + output().string() +
                         "\nmodel profile: alpha (auto: score 20, 2 tensors under 'alpha.')\n");
  const auto plan = nlohmann::json::parse(run.out);
  EXPECT_EQ(plan["model"], "alpha");
  const auto& profile = plan["plugins"]["model"];
  EXPECT_EQ(profile["name"], "alpha");
  EXPECT_EQ(profile["score"], 20);
  EXPECT_EQ(profile["reason"], "2 tensors under 'alpha.'");
  EXPECT_EQ(profile["auto"], true);
}

TEST_F(CliProfiles, AutoFallsBackToGenericWithAWarningNamingTheCandidates) {
  HostRun run = run_on({"unrecognised_zz.proj.weight"}, "model: auto\n");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(contains(run.err, "warning: model profile auto: no profile recognises this model ("))
      << run.err;
  EXPECT_TRUE(contains(run.err, "generic 1")) << run.err;
  EXPECT_TRUE(contains(run.err, "alpha 0")) << run.err;
  EXPECT_TRUE(contains(run.err, "; using generic\n")) << run.err;
  EXPECT_TRUE(contains(run.out, "(profile generic); nothing written")) << run.out;

  run = run_on({"alpha.a.weight", "beta.b.weight"}, "");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(contains(run.err, "warning: model profile auto: alpha and beta both score 10 ("))
      << run.err;
  EXPECT_TRUE(contains(run.out, "(profile generic); nothing written")) << run.out;
}

TEST_F(CliProfiles, ANamedProfileThatDoesNotMatchWarns) {
  const HostRun run = run_on({"beta.a.weight"}, "model: alpha\n", {});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(contains(run.err,
                       "warning: model profile 'alpha' does not match this file: no tensor under "
                       "'alpha.'\n"))
      << run.err;
  EXPECT_TRUE(contains(run.out, "model:     alpha  [plugin alpha 0.0.1")) << run.out;
  EXPECT_TRUE(std::filesystem::exists(output()));
}

TEST_F(CliProfiles, AStrictProfileThatDoesNotMatchFailsAndWritesNothing) {
  const HostRun run = run_on({"beta.a.weight"}, "model: {profile: alpha, strict: true}\n", {});
  EXPECT_EQ(run.exit_code, 4) << run.err;
  EXPECT_TRUE(contains(run.err, recipe().string() +
                                    ":2:9: model profile 'alpha' does not match this file: no "
                                    "tensor under 'alpha.' (model: strict: true)"))
      << run.err;
  EXPECT_FALSE(std::filesystem::exists(output()));
  EXPECT_FALSE(std::filesystem::exists(file("out.report.json")));
  EXPECT_TRUE(leftovers().empty());
}

}  // namespace
}  // namespace lrq::test
