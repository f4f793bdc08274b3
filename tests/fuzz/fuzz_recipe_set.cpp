// Command-line changes to a recipe: each line of the input is one `--set KEY=VALUE`, applied to the
// recipe `quantize` starts from, which is then checked as before a run (recipe_checks.hpp).
#include "fuzz_support.hpp"
#include "recipe/overrides.hpp"
#include "recipe_checks.hpp"

namespace {

void apply(std::span<const std::uint8_t> bytes) {
  lrq::host::RecipeOverrides overrides;
  std::string_view text = lrq::fuzz::as_text(bytes);
  while (!text.empty()) {
    const std::size_t end = std::min(text.find('\n'), text.size());
    overrides.sets.emplace_back(text.substr(0, end));
    text.remove_prefix(std::min(end + 1, text.size()));
  }
  lrq::host::Recipe recipe = lrq::host::default_recipe("fp8");
  lrq::host::apply_overrides(recipe, overrides);
  lrq::fuzz::check_recipe(recipe);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  lrq::fuzz::expect_clean_refusal(apply, {data, size});
  return 0;
}
