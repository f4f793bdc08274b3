// Every integer of a recipe has a range, in the YAML file and through --set alike: a value beyond
// it (2^64 - 1 included) is a recipe error naming the key, never a huge allocation or a value that
// turns negative where it is used.
#include "recipe_test.hpp"

namespace lrq::host {
namespace {

const std::string kPaths = "input: a\noutput: b\nformat: fp8\n";

struct LimitCase {
  std::string key;  // as --set writes it
  std::string value;
  std::string expected;  // the message after the location
};

const std::vector<LimitCase>& out_of_range() {
  static const std::vector<LimitCase> cases = {
      {"calib_samples", "18446744073709551615",
       "'calib_samples' must be an integer from 1 to 1000000000, got '18446744073709551615'"},
      {"calib_samples", "18446744073709551616",
       "'calib_samples' must be an integer from 1 to 1000000000, got '18446744073709551616'"},
      {"calib_samples", "1000000001",
       "'calib_samples' must be an integer from 1 to 1000000000, got '1000000001'"},
      {"calib_samples", "-1", "'calib_samples' must be an integer from 1 to 1000000000, got '-1'"},
      {"model.heuristics_block_size", "1048577",
       "'heuristics_block_size' must be an integer from 0 to 1048576, got '1048577'"},
      {"model.heuristics_block_size", "18446744073709551615",
       "'heuristics_block_size' must be an integer from 0 to 1048576, got "
       "'18446744073709551615'"},
      {"seed", "18446744073709551616",
       "'seed' must be a non-negative integer, got '18446744073709551616'"},
      {"seed", "-1", "'seed' must be a non-negative integer, got '-1'"},
      {"shard_size", "18446744073709551616",
       "'shard_size' must be a size in bytes such as 5GB, 500MiB or 1000000, got "
       "'18446744073709551616'"},
      {"shard_size", "18446744073709551615KB",
       "'shard_size' must be a size in bytes such as 5GB, 500MiB or 1000000, got "
       "'18446744073709551615KB'"},
  };
  return cases;
}

// `model.heuristics_block_size: 5` goes into the model section; the others are top-level keys.
std::string yaml_of(const LimitCase& limit) {
  if (limit.key.starts_with("model.")) {
    return kPaths + "model: {profile: auto, " + limit.key.substr(6) + ": " + limit.value + "}\n";
  }
  return kPaths + limit.key + ": " + limit.value + "\n";
}

TEST_F(RecipeTest, IntegersBeyondTheirRangeInTheFileNameTheKey) {
  for (const LimitCase& limit : out_of_range()) {
    const std::string message = error_of(yaml_of(limit));
    EXPECT_TRUE(message.starts_with(":4:")) << message;
    EXPECT_TRUE(message.ends_with(": " + limit.expected)) << message;
  }
}

TEST_F(RecipeTest, IntegersBeyondTheirRangeThroughSetNameTheKey) {
  for (const LimitCase& limit : out_of_range()) {
    RecipeOverrides overrides;
    const std::string assignment = limit.key + "=" + limit.value;
    overrides.sets = {assignment};
    EXPECT_EQ(error_of(kPaths, overrides),
              "command line (--set " + assignment + "): " + limit.expected);
  }
}

TEST_F(RecipeTest, TheMaximaThemselvesAreAccepted) {
  const Recipe recipe =
      load_recipe(write(kPaths + "calib_samples: 1000000000\nseed: 18446744073709551615\n"
                                 "model: {profile: auto, heuristics_block_size: 1048576}\n"
                                 "shard_size: 18446744073709551615\n"));
  EXPECT_EQ(recipe.calib_samples, 1'000'000'000u);
  EXPECT_EQ(recipe.seed, 18'446'744'073'709'551'615u);
  EXPECT_EQ(recipe.heuristics_block_size, 1u << 20);
  EXPECT_EQ(recipe.shard_size, 18'446'744'073'709'551'615u);
}

}  // namespace
}  // namespace lrq::host
