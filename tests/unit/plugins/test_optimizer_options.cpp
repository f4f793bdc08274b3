// The options of original, adamw and radam: the reference tool's defaults, and every bad value a
// recipe error that names its key (through the host's option resolution, as a recipe is read).
#include <gtest/gtest.h>

#include "backend_test_data.hpp"
#include "lrq/error.hpp"
#include "real_plugins.hpp"

namespace lrq::test {
namespace {

const std::vector<std::string> kOptimizers = {"original", "adamw", "radam"};

std::string recipe_error(const std::string& optimizer, const OptionTexts& options) {
  try {
    make_optimizer(optimizer, options);
  } catch (const Error& error) {
    EXPECT_EQ(error.category(), ErrorCategory::recipe) << error.what();
    return error.what();
  }
  return "no error";
}

TEST(OptimizerOptions, DefaultsAreTheReferenceToolsCommandLineDefaults) {
  const std::vector<std::pair<std::string, OptionValue>> shared = {
      {"num_iter", std::int64_t{4000}},
      {"lr", 1.0},
      {"lr_schedule", std::string("plateau")},
      {"lr_gamma", 0.99},
      {"lr_patience", std::int64_t{1}},
      {"lr_factor", 0.95},
      {"lr_min", 1e-8},
      {"lr_cooldown", std::int64_t{0}},
      {"lr_threshold", 0.0},
      {"lr_threshold_mode", std::string("rel")},
      {"lr_adaptive_mode", std::string("simple-reset")},
      {"lr_shape_influence", 1.0},
      {"early_stop_loss", 5e-9},
      {"early_stop_lr", 1.01e-8},
      {"early_stop_stall", std::int64_t{2000}},
      {"top_p", 0.2},
      {"min_k", std::int64_t{256}},
      {"max_k", std::int64_t{1280}},
      {"rank", std::int64_t{0}},
      {"full_matrix", false},
      {"svd_oversample", std::int64_t{10}},
      {"svd_power_iterations", std::int64_t{4}},
  };
  for (const std::string& name : kOptimizers) {
    const OptionsSchema schema = real_plugins().optimizer(name)->schema();
    auto expected = shared;
    if (name != "original") {
      expected.insert(expected.end(), {{"beta1", 0.9},
                                       {"beta2", 0.999},
                                       {"eps", 1e-8},
                                       {"weight_decay", name == "adamw" ? 0.01 : 0.0}});
    }
    ASSERT_EQ(schema.specs().size(), expected.size()) << name;
    for (const auto& [key, value] : expected) {
      const OptionSpec* spec = schema.find(key);
      ASSERT_NE(spec, nullptr) << name << "." << key;
      EXPECT_EQ(spec->default_value, value) << name << "." << key;
      EXPECT_FALSE(spec->help.empty()) << name << "." << key;
    }
  }
}

TEST(OptimizerOptions, BadValuesAreRecipeErrorsNamingTheKey) {
  const std::vector<std::pair<std::string, std::string>> shared = {
      {"num_iter", "-1"},
      {"num_iter", "2.5"},
      {"num_iter", "1000000001"},
      {"num_iter", "18446744073709551615"},
      {"lr", "-0.1"},
      {"lr_schedule", "cosine"},
      {"lr_gamma", "1.5"},
      {"lr_gamma", "-0.5"},
      {"lr_patience", "-1"},
      {"lr_factor", "1.2"},
      {"lr_factor", "-0.1"},
      {"lr_min", "-1e-8"},
      {"lr_cooldown", "-2"},
      {"lr_threshold", "-0.01"},
      {"lr_threshold_mode", "relative"},
      {"lr_adaptive_mode", "reset"},
      {"lr_shape_influence", "1.5"},
      {"lr_shape_influence", "-1"},
      {"early_stop_loss", "-1"},
      {"early_stop_lr", "-1"},
      {"early_stop_stall", "-1"},
      {"top_p", "0"},
      {"top_p", "1.5"},
      {"top_p", "-0.2"},
      {"min_k", "0"},
      {"max_k", "0"},
      {"rank", "-3"},
      {"full_matrix", "maybe"},
      {"svd_oversample", "-1"},
      {"svd_oversample", "9223372036854775807"},
      {"min_k", "16777217"},
      {"max_k", "16777217"},
      {"rank", "16777217"},
      {"lr_patience", "1000000001"},
      {"lr_cooldown", "1000000001"},
      {"early_stop_stall", "1000000001"},
      {"svd_power_iterations", "-1"},
      {"svd_power_iterations", "1000"},
  };
  const std::vector<std::pair<std::string, std::string>> moments = {
      {"beta1", "1"}, {"beta1", "-0.1"}, {"beta2", "1.0"},          {"beta2", "2"},
      {"eps", "0"},   {"eps", "-1e-8"},  {"weight_decay", "-0.01"},
  };
  for (const std::string& optimizer : kOptimizers) {
    auto cases = shared;
    if (optimizer != "original") cases.insert(cases.end(), moments.begin(), moments.end());
    for (const auto& [key, value] : cases) {
      const std::string message = recipe_error(optimizer, {{key, value}});
      EXPECT_NE(message.find("optimizer." + key), std::string::npos)
          << optimizer << " " << key << "=" << value << ": " << message;
    }
  }
  EXPECT_NE(recipe_error("original", {{"beta1", "0.9"}}).find("unknown key"), std::string::npos);
}

TEST(OptimizerOptions, MinKAboveMaxKIsARecipeError) {
  for (const std::string& optimizer : kOptimizers) {
    const std::string message = recipe_error(optimizer, {{"min_k", "300"}, {"max_k", "200"}});
    EXPECT_NE(message.find("optimizer.min_k 300 is larger than optimizer.max_k 200"),
              std::string::npos)
        << message;
  }
}

TEST(OptimizerOptions, RankAboveTheWeightsIsARecipeErrorNamingTheLayer) {
  const auto backend = make_backend("cpu");
  const TensorInfo info{"blocks.2.mlp.fc1.weight", DType::F32, {48, 32}};
  const DeviceTensor weight =
      upload_floats(*backend, std::vector<float>(48 * 32, 0.25f), info.shape);
  const LayerQuantization quantization = make_format("fp8")->prepare(*backend, info, weight);
  for (const std::string& optimizer : kOptimizers) {
    try {
      make_optimizer(optimizer, {{"rank", "33"}})
          ->optimize({*backend, info, weight, quantization, 0});
      ADD_FAILURE() << optimizer << " accepted rank 33 for a [48, 32] weight";
    } catch (const Error& error) {
      EXPECT_EQ(error.category(), ErrorCategory::recipe);
      const std::string message = error.what();
      EXPECT_NE(message.find("optimizer.rank 33"), std::string::npos) << message;
      EXPECT_NE(message.find("'blocks.2.mlp.fc1.weight'"), std::string::npos) << message;
    }
  }
}

}  // namespace
}  // namespace lrq::test
