// A recipe file: YAML parsed and checked by load_recipe, then checked as the host checks it before
// a run (recipe_checks.hpp).
#include "fuzz_support.hpp"
#include "recipe/recipe.hpp"
#include "recipe_checks.hpp"

namespace {

void load(std::span<const std::uint8_t> bytes) {
  lrq::fuzz::check_recipe(
      lrq::host::load_recipe(lrq::fuzz::write_input_file("recipe.yaml", bytes)));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  lrq::fuzz::expect_clean_refusal(load, {data, size});
  return 0;
}
