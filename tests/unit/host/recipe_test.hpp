// A recipe file per test, and the message of the recipe error that loading it raises.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "lrq/error.hpp"
#include "recipe/overrides.hpp"
#include "recipe/recipe.hpp"
#include "support/raw_safetensors.hpp"
#include "support/temp_dir.hpp"

namespace lrq::host {

class RecipeTest : public ::testing::Test {
 protected:
  std::filesystem::path write(const std::string& text) {
    const auto path = directory_.file("recipe.yaml");
    test::write_file(path, text);
    return path;
  }

  // The message of the recipe error that loading (and, optionally, overriding) raises.
  std::string error_of(const std::string& text, const RecipeOverrides& overrides = {}) {
    const auto path = write(text);
    try {
      Recipe recipe = load_recipe(path);
      apply_overrides(recipe, overrides);
      require_input(recipe);
    } catch (const Error& error) {
      EXPECT_EQ(error.category(), ErrorCategory::recipe) << error.what();
      const std::string message = error.what();
      const std::string prefix = path.string();
      return message.starts_with(prefix) ? message.substr(prefix.size()) : message;
    }
    return "no error";
  }

  test::TempDir directory_;
};

}  // namespace lrq::host
