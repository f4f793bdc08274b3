// Planning with override rules and heuristics: the profile removes first, then the first matching
// rule decides, then the profile; whatever route quantizes, the candidate rules, the heuristics
// and the format's acceptance apply. Each planned weight names its format, optimizer and reason.
#include "caught_error.hpp"
#include "lrq/safetensors.hpp"
#include "pipeline/conversion_plan.hpp"
#include "plugin_fixtures.hpp"
#include "recipe_test.hpp"

namespace lrq::host {
namespace {

// A model that the fixture profile alpha recognises: it keeps "keep_me" and removes "drop_me".
const std::vector<TensorInfo> kModel = {
    {"alpha.img_in.weight", DType::F32, {128, 64}},
    {"alpha.blocks.0.img_mlp.0.bias", DType::F32, {256}},
    {"alpha.blocks.0.img_mlp.0.weight", DType::F32, {256, 128}},
    {"alpha.blocks.0.keep_me.weight", DType::F32, {128, 128}},
    {"alpha.blocks.0.drop_me.weight", DType::F32, {128, 128}},
    {"alpha.norm.weight", DType::F32, {128}},
    {"alpha.odd.weight", DType::F32, {100, 192}},
    {"alpha.thin.weight", DType::F32, {128, 32}},
    {"alpha.short.weight", DType::F32, {48, 128}},
    {"alpha.wide.weight", DType::F32, {64, 3000}},
};

class LayerRouting : public RecipeTest {
 protected:
  LayerRouting() {
    const auto path = directory_.file("model.safetensors");
    SafetensorsWriter writer(path, kModel, {});
    for (const TensorInfo& tensor : kModel) {
      writer.write(tensor.name, std::vector<std::byte>(tensor.elements() * sizeof(float)));
    }
    writer.commit();
    input_.emplace(path);
  }

  // The plan of the model for a recipe with these lines after its paths.
  const ConversionPlan& plan(const std::string& recipe_lines) {
    const Recipe recipe =
        load_recipe(write("input: model.safetensors\noutput: out.safetensors\n" + recipe_lines));
    routes_ = configure_routes(recipe, test::planning_plugins());
    profile_ = select_profile(recipe, test::planning_plugins(), model_index(*input_));
    plan_ = make_plan(*input_, profile_, routes_, recipe.bias_correction);
    return plan_;
  }

  // The message of the error that configuring the recipe's routes raises, without the file name.
  std::string routes_error(const std::string& recipe_lines) {
    const auto path = write("input: a\noutput: b\n" + recipe_lines);
    const Error error =
        test::caught_error([&] { configure_routes(load_recipe(path), test::planning_plugins()); });
    EXPECT_EQ(error.category(), ErrorCategory::recipe);
    return std::string(error.what()).substr(path.string().size());
  }

  // "quantize fp8 / rtn: profile alpha: 2-D weight", "keep: <reason>", "remove: <reason>"
  std::string route_of(const std::string& name) const {
    const TensorPlan& tensor = plan_.of(name);
    const std::string action = action_name(tensor.action);
    if (tensor.route == nullptr) return action + ": " + tensor.reason;
    return action + " " + tensor.route->format.label + " / " + tensor.route->optimizer.label +
           ": " + tensor.reason;
  }

  std::optional<Checkpoint> input_;
  QuantizationRoutes routes_;
  SelectedProfile profile_;
  ConversionPlan plan_;
};

TEST_F(LayerRouting, WithoutOverridesTheProfileDecides) {
  plan("format: fp8\nmodel: alpha\n");
  EXPECT_EQ(route_of("alpha.img_in.weight"), "quantize fp8 / rtn: profile alpha: 2-D weight");
  EXPECT_EQ(route_of("alpha.blocks.0.keep_me.weight"),
            "keep: profile alpha: high-precision 'keep_me'");
  EXPECT_EQ(route_of("alpha.blocks.0.drop_me.weight"), "remove: profile alpha: removes 'drop_me'");
  EXPECT_EQ(route_of("alpha.norm.weight"), "keep: profile alpha: not a 2-D weight");
  EXPECT_EQ(route_of("alpha.blocks.0.img_mlp.0.bias"),
            "keep: bias of a quantized layer, corrected");
}

TEST_F(LayerRouting, TheFirstMatchingRuleWins) {
  plan(
      "format: fp8\nmodel: alpha\noverrides:\n"
      "  - {match: img_mlp, format: int8_block}\n"
      "  - {match: 'blocks\\.0\\.', skip: true}\n"
      "  - {match: img, optimizer: original}\n");
  EXPECT_EQ(route_of("alpha.blocks.0.img_mlp.0.weight"),
            "quantize int8_block / rtn: override[0] 'img_mlp'");
  EXPECT_EQ(route_of("alpha.blocks.0.keep_me.weight"), "keep: override[1] 'blocks\\.0\\.': skip");
  EXPECT_EQ(route_of("alpha.img_in.weight"), "quantize fp8 / original: override[2] 'img'");
  EXPECT_EQ(route_of("alpha.odd.weight"), "quantize fp8 / rtn: profile alpha: 2-D weight");
  // The bias of a layer quantized by a rule is corrected like any other.
  const TensorPlan& weight = plan_.of("alpha.blocks.0.img_mlp.0.weight");
  EXPECT_EQ(weight.partner, input_->find("alpha.blocks.0.img_mlp.0.bias"));
  EXPECT_EQ(route_of("alpha.blocks.0.img_mlp.0.bias"),
            "keep: bias of a quantized layer, corrected");
  EXPECT_EQ(plan_.quantized_layers().at("alpha.blocks.0.img_mlp.0"),
            R"({"format": "int8_blockwise", "group_size": 128})");
}

TEST_F(LayerRouting, ARuleQuantizesWhatTheProfileKeepsButNotWhatItRemoves) {
  plan("format: fp8\nmodel: alpha\noverrides: [{match: 'keep_me|drop_me', optimizer: original}]\n");
  EXPECT_EQ(route_of("alpha.blocks.0.keep_me.weight"),
            "quantize fp8 / original: override[0] 'keep_me|drop_me'");
  EXPECT_EQ(route_of("alpha.blocks.0.drop_me.weight"), "remove: profile alpha: removes 'drop_me'");
}

TEST_F(LayerRouting, ARuleQuantizesOnlyTwoDimensionalWeightsItsFormatAccepts) {
  plan(
      "format: fp8\nmodel: alpha\noverrides:\n"
      "  - {match: norm, format: fp8}\n"
      "  - {match: img_in, format: int8_block}\n");
  EXPECT_EQ(route_of("alpha.norm.weight"),
            "keep: override[0] 'norm': only 2-D weights are quantized, not [128]");
  EXPECT_EQ(route_of("alpha.img_in.weight"),
            "keep: override[1] 'img_in': format: 64 columns not divisible by block size 128");
}

TEST_F(LayerRouting, TheBiasOfALayerARuleKeepsIsNotCorrected) {
  plan("format: fp8\nmodel: alpha\noverrides: [{match: img_mlp, skip: true}]\n");
  EXPECT_EQ(route_of("alpha.blocks.0.img_mlp.0.weight"), "keep: override[0] 'img_mlp': skip");
  const TensorPlan& bias = plan_.of("alpha.blocks.0.img_mlp.0.bias");
  EXPECT_EQ(bias.partner, nullptr);
  EXPECT_EQ(bias.action, LayerAction::keep);
  EXPECT_EQ(bias.reason.find("corrected"), std::string::npos) << bias.reason;
}

TEST_F(LayerRouting, ARuleInheritsTheTopLevelOptionsOnlyOfTheSamePlugin) {
  plan(
      "format: {name: fp8, scale: row, input_scale: true}\n"
      "optimizer: {name: original, num_iter: 50}\nmodel: alpha\noverrides:\n"
      "  - {match: img_in, format: {name: fp8, scale: block, block_size: 64}}\n"
      "  - {match: img_mlp, format: int8_block, optimizer: {name: original, rank: 8}}\n"
      "  - {match: odd, optimizer: rtn}\n");
  EXPECT_EQ(route_of("alpha.img_in.weight"),
            "quantize fp8(scale=block, block_size=64, input_scale=true) / original(num_iter=50): "
            "override[0] 'img_in'");
  EXPECT_EQ(route_of("alpha.blocks.0.img_mlp.0.weight"),
            "quantize int8_block / original(num_iter=50, rank=8): override[1] 'img_mlp'");
  EXPECT_EQ(route_of("alpha.odd.weight"),
            "quantize fp8(scale=row, input_scale=true) / rtn: override[2] 'odd'");
  EXPECT_EQ(route_of("alpha.thin.weight"),
            "quantize fp8(scale=row, input_scale=true) / original(num_iter=50): profile alpha: "
            "2-D weight");
  // Routes are made once per rule, at configure time, and shared by their layers.
  EXPECT_EQ(plan_.of("alpha.thin.weight").route, routes_.primary.get());
  EXPECT_EQ(routes_.overrides.at(2).route->format.object, routes_.primary->format.object);
}

TEST_F(LayerRouting, HeuristicsKeepShapesThatDoNotTileOnEveryRoute) {
  plan(
      "format: fp8\nmodel: {profile: alpha, heuristics: true}\n"
      "overrides: [{match: odd, format: {name: fp8, scale: row}}]\n");
  EXPECT_EQ(routes_.heuristic_block, 64);
  EXPECT_EQ(route_of("alpha.img_in.weight"), "quantize fp8 / rtn: profile alpha: 2-D weight");
  EXPECT_EQ(route_of("alpha.thin.weight"), "keep: heuristic: 32 columns < block 64");
  EXPECT_EQ(route_of("alpha.short.weight"), "keep: heuristic: 48 rows < block 64");
  EXPECT_EQ(route_of("alpha.wide.weight"),
            "keep: heuristic: 3000 columns not divisible by block 64");
  EXPECT_EQ(route_of("alpha.odd.weight"),
            "keep: override[0] 'odd': heuristic: 100 rows not divisible by block 64");

  plan("format: {name: int8_block, scale: tensor}\nmodel: {profile: alpha, heuristics: true}\n");
  EXPECT_EQ(route_of("alpha.img_in.weight"), "keep: heuristic: 64 columns < block 128");
  plan("format: fp8\nmodel: {profile: alpha, heuristics: true, heuristics_block_size: 16}\n");
  EXPECT_EQ(route_of("alpha.thin.weight"), "quantize fp8 / rtn: profile alpha: 2-D weight");
  plan("format: fp8\nmodel: {profile: alpha, heuristics: false, heuristics_block_size: 16}\n");
  EXPECT_EQ(routes_.heuristic_block, 0);
}

TEST_F(LayerRouting, ARulesPluginsAndOptionsAreCheckedWithTheirLocation) {
  EXPECT_TRUE(routes_error("format: fp8\noverrides:\n  - {match: x, format: fp9}\n")
                  .starts_with(":5:16: overrides[0].format 'fp9' not found (did you mean 'fp8'?); "
                               "available: "));
  EXPECT_EQ(
      routes_error("format: fp8\noverrides:\n  - match: x\n    format: {name: fp8, scal: row}\n"),
      ":6:25: overrides[0].format.scal: unknown key for overrides[0].format 'fp8' (did you "
      "mean 'scale'?); its options: scale, block_size, input_scale, "
      "full_precision_matrix_mult");
  EXPECT_EQ(
      routes_error("format: fp8\noverrides:\n  - {match: x, optimizer: {name: rtn, lr: 1}}\n"),
      ":5:39: overrides[0].optimizer.lr: unknown key for overrides[0].optimizer 'rtn'; it "
      "takes no options");
}

}  // namespace
}  // namespace lrq::host
