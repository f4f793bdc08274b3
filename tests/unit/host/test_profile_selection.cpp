// Which model profile decides: `auto` picks the best detect() score and falls back to generic when
// no profile wins; a named profile that does not match the input warns, or fails when strict.
#include <gtest/gtest.h>

#include "caught_error.hpp"
#include "pipeline/profile_selection.hpp"
#include "plugin_fixtures.hpp"

namespace lrq::host {
namespace {

// Weights under the given key prefixes.
ModelIndex model_with(const std::vector<std::string>& keys) {
  std::vector<TensorInfo> tensors;
  for (const std::string& key : keys)
    tensors.push_back({key + ".weight", DType::F32, {64, 64}});
  return ModelIndex(std::move(tensors));
}

class ProfileSelection : public ::testing::Test {
 protected:
  SelectedProfile select(const std::vector<std::string>& keys) const {
    return select_profile(recipe_, test::planning_plugins(), model_with(keys));
  }

  std::string failure(const std::vector<std::string>& keys) const {
    const Error error = test::caught_error([&] { select(keys); });
    EXPECT_EQ(error.category(), ErrorCategory::recipe);
    return error.what();
  }

  Recipe recipe_ = [] {
    Recipe recipe;
    recipe.model = {"model", "auto", {"r.yaml", 4, 8}, {}};
    return recipe;
  }();
};

TEST_F(ProfileSelection, AutoPicksTheProfileThatScoresHighest) {
  const SelectedProfile selected = select({"alpha.a", "alpha.b", "beta.c"});
  EXPECT_EQ(selected.name, "alpha");
  EXPECT_TRUE(selected.automatic);
  EXPECT_EQ(selected.match.score, 20);
  EXPECT_EQ(selected.match.reason, "2 tensors under 'alpha.'");
  ASSERT_NE(selected.profile, nullptr);
  EXPECT_EQ(
      selected.profile->classify({"alpha.keep_me.weight", DType::F32, {64, 64}}, model_with({}))
          .action,
      LayerAction::keep);
}

TEST_F(ProfileSelection, AutoFallsBackToGenericWhenNoOtherProfileMatches) {
  const SelectedProfile selected = select({"unknown.proj"});
  EXPECT_EQ(selected.name, "generic");
  EXPECT_TRUE(selected.automatic);
  EXPECT_EQ(selected.match.score, 1);
  EXPECT_EQ(selected.match.reason, "no profile recognises this model");
}

TEST_F(ProfileSelection, AutoFallsBackToGenericWhenTheBestTwoTie) {
  const SelectedProfile selected = select({"alpha.a", "beta.b"});
  EXPECT_EQ(selected.name, "generic");
  EXPECT_EQ(selected.match.reason, "alpha and beta both score 10");
}

TEST_F(ProfileSelection, StrictAutoFailsInsteadOfFallingBack) {
  recipe_.strict_profile = true;
  EXPECT_EQ(failure({"alpha.a", "beta.b"}),
            "r.yaml:4:8: model profile auto: alpha and beta both score 10 (alpha 10, beta 10, "
            "generic 1) (model: strict: true)");
  EXPECT_EQ(select({"beta.a"}).name, "beta");
}

TEST_F(ProfileSelection, AutoTakesNoOptions) {
  recipe_.model.options = {{"depth", "2", "", {"r.yaml", 4, 23}}};
  EXPECT_EQ(failure({"alpha.a"}),
            "r.yaml:4:23: model.depth: profile 'auto' takes no options; name the profile they "
            "are for with 'profile'");
}

TEST_F(ProfileSelection, ANamedProfileIsUsedEvenWhenItDoesNotMatch) {
  recipe_.model.name = "alpha";
  const SelectedProfile selected = select({"beta.a"});
  EXPECT_EQ(selected.name, "alpha");
  EXPECT_FALSE(selected.automatic);
  EXPECT_EQ(selected.match.score, 0);
  EXPECT_EQ(selected.match.reason, "no tensor under 'alpha.'");
}

TEST_F(ProfileSelection, AStrictNamedProfileMustMatch) {
  recipe_.model.name = "alpha";
  recipe_.strict_profile = true;
  EXPECT_EQ(failure({"beta.a"}),
            "r.yaml:4:8: model profile 'alpha' does not match this file: no tensor under "
            "'alpha.' (model: strict: true)");
  EXPECT_EQ(select({"alpha.a"}).match.score, 10);
}

}  // namespace
}  // namespace lrq::host
