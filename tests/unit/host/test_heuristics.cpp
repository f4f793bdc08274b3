// The reference's performance heuristic: which shapes it keeps, and the block size it uses.
#include <gtest/gtest.h>

#include "caught_error.hpp"
#include "pipeline/heuristics.hpp"

namespace lrq::host {
namespace {

TEST(Heuristics, KeepsShapesThatDoNotTileByTheBlock) {
  EXPECT_EQ(heuristic_refusal({100, 128}, 128), "heuristic: 100 rows < block 128");
  EXPECT_EQ(heuristic_refusal({128, 192}, 64), "");
  EXPECT_EQ(heuristic_refusal({128, 32}, 64), "heuristic: 32 columns < block 64");
  EXPECT_EQ(heuristic_refusal({100, 64}, 64), "heuristic: 100 rows not divisible by block 64");
  EXPECT_EQ(heuristic_refusal({64, 3000}, 64), "heuristic: 3000 columns not divisible by block 64");
  // Both minimums come before divisibility, as in the reference.
  EXPECT_EQ(heuristic_refusal({100, 32}, 64), "heuristic: 32 columns < block 64");
  EXPECT_EQ(heuristic_refusal({3072, 12288}, 128), "");
}

class HeuristicBlock : public ::testing::Test {
 protected:
  HeuristicBlock() {
    schema_.add(OptionSpec::integer_choice("block_size", {32, 64, 128, 256}, 128, "tile"));
    recipe_.format = {"format", "fp8", {"r.yaml", 3, 9}, {}};
    recipe_.heuristics = true;
  }

  // The primary format's options as resolved: block_size as given, else its default.
  Options options(std::int64_t block_size = 128) const {
    Options options = Options::defaults(schema_);
    options.set("block_size", block_size);
    return options;
  }

  OptionsSchema schema_;
  Recipe recipe_;
};

TEST_F(HeuristicBlock, ByDefaultTheReferencesBlockOfThePrimaryFormat) {
  EXPECT_EQ(heuristic_block_size(recipe_, options()), 64);  // not fp8's block_size default
  recipe_.format.name = "int8_block";
  EXPECT_EQ(heuristic_block_size(recipe_, options()), 128);
}

TEST_F(HeuristicBlock, ABlockSizeTheRecipeGivesTheFormatComesNext) {
  recipe_.format.options = {{"block_size", "256", "", {"r.yaml", 3, 20}}};
  EXPECT_EQ(heuristic_block_size(recipe_, options(256)), 256);
}

TEST_F(HeuristicBlock, HeuristicsBlockSizeWinsOverEverything) {
  recipe_.format.options = {{"block_size", "256", "", {"r.yaml", 3, 20}}};
  recipe_.heuristics_block_size = 32;
  EXPECT_EQ(heuristic_block_size(recipe_, options(256)), 32);
}

TEST_F(HeuristicBlock, AFormatWithNeitherIsARecipeError) {
  recipe_.format.name = "good";
  const Error error = test::caught_error([&] { heuristic_block_size(recipe_, Options()); });
  EXPECT_EQ(error.category(), ErrorCategory::recipe);
  EXPECT_EQ(std::string(error.what()),
            "r.yaml:3:9: format 'good': model.heuristics needs a block size, and this format has "
            "no default for it; set model.heuristics_block_size");
  recipe_.heuristics_block_size = 16;
  EXPECT_EQ(heuristic_block_size(recipe_, Options()), 16);
}

}  // namespace
}  // namespace lrq::host
