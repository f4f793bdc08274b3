// A number beyond its key's range, in the recipe or through --set, stops the run before anything
// is read or written, as a recipe error naming the key (2^64 - 1 samples was std::bad_alloc, exit
// 70, naming nothing).
#include "cli_test.hpp"
#include "support/raw_safetensors.hpp"

namespace lrq::test {
namespace {

constexpr int kRecipe = 4;

class CliRecipeLimits : public CliTest {
 protected:
  void expect_recipe_error(const HostRun& run, const std::string& message) {
    EXPECT_EQ(run.exit_code, kRecipe) << run.err;
    EXPECT_TRUE(contains(run.err, message)) << run.err;
    EXPECT_FALSE(std::filesystem::exists(file("out.safetensors")));
    EXPECT_TRUE(leftovers().empty());
  }
};

TEST_F(CliRecipeLimits, CalibSamplesOfTwoToTheSixtyFourInTheRecipe) {
  const auto recipe = file("recipe.yaml");
  write_file(recipe, "format: fp8\ncalib_samples: 18446744073709551615\n");
  expect_recipe_error(convert(tiny_model(), file("out.safetensors"), {}, {}, recipe.string()),
                      recipe.string() +
                          ":2:1: 'calib_samples' must be an integer from 1 to 1000000000, got "
                          "'18446744073709551615'");
}

TEST_F(CliRecipeLimits, EachKeyThroughSet) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"calib_samples=18446744073709551615",
       "'calib_samples' must be an integer from 1 to 1000000000"},
      {"calib_samples=-1", "'calib_samples' must be an integer from 1 to 1000000000"},
      {"calib_samples=1000000001", "'calib_samples' must be an integer from 1 to 1000000000"},
      {"model.heuristics_block_size=18446744073709551615",
       "'heuristics_block_size' must be an integer from 0 to 1048576"},
      {"optimizer.num_iter=1000000001",
       "optimizer.num_iter: must be at most 1000000000, got 1000000001"},
      {"optimizer.svd_oversample=9223372036854775807",
       "optimizer.svd_oversample: must be at most 16777216"},
      {"optimizer.num_iter=18446744073709551615", "optimizer.num_iter: expected an integer"},
      {"backend.threads=4097", "backend.threads: must be at most 4096"},
  };
  const auto model = tiny_model();
  for (const auto& [assignment, message] : cases) {
    expect_recipe_error(
        convert(model, file("out.safetensors"), {"--optimizer", "original", "--set", assignment}),
        "command line (--set " + assignment + "): " + message);
  }
}

}  // namespace
}  // namespace lrq::test
