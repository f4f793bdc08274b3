// The resolved recipe that the output's provenance records.
#include <gtest/gtest.h>

#include "pipeline/configured_plugins.hpp"
#include "recipe/recipe_json.hpp"
#include "recipe_test.hpp"

namespace lrq::host {
namespace {

class ResolvedRecipe : public RecipeTest {};

// The number of workers does not change a byte of the converted layers, so the provenance (part
// of the output file) leaves `devices` out and the file is the same whatever the list.
TEST_F(ResolvedRecipe, LeavesOutTheBackendDevices) {
  const Recipe recipe = load_recipe(
      write("input: in.safetensors\nformat: fp8\nbackend: {name: cpu, threads: 2, devices: [0, "
            "1]}\n"));
  PluginRegistry registry;
  load_recipe_plugins(recipe, {LRQ_TEST_PLUGIN_DIRECTORY}, registry);
  EXPECT_EQ(resolved_recipe_json(recipe, registry)["backend"],
            nlohmann::ordered_json::parse(R"({"name": "cpu", "threads": 2})"));
}

}  // namespace
}  // namespace lrq::host
