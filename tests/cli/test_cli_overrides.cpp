// Override rules in a real conversion: each layer is written in its own rule's format, with its own
// `.comfy_quant` and `_quantization_metadata` entry, and the report says which format and
// optimizer made it.
#include <nlohmann/json.hpp>

#include "cli_test.hpp"
#include "support/raw_safetensors.hpp"

namespace lrq::test {
namespace {

std::string config_of(const SafetensorsReader& file, const std::string& prefix) {
  const SafetensorsEntry* entry = file.find(prefix + ".comfy_quant");
  if (entry == nullptr) return "none";
  const TensorView view = file.view(*entry);
  return {reinterpret_cast<const char*>(view.bytes.data()), view.bytes.size()};
}

nlohmann::json report_layer(const nlohmann::json& report, const std::string& name) {
  for (const auto& layer : report["layers"]) {
    if (layer["name"] == name) return layer;
  }
  ADD_FAILURE() << "no report entry for " << name;
  return {};
}

class CliOverrides : public CliTest {};

TEST_F(CliOverrides, TheOverridesExampleWritesEachLayerInItsOwnFormat) {
  const auto output = file("out.safetensors");
  const HostRun run =
      convert(tiny_model(), output, {}, {},
              std::string(LRQ_TEST_SOURCE_DIRECTORY) + "/configs/overrides-fp8.yaml");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("overrides: override[0] '^final_layer\\.': skip\n"
                         "           override[1] 'img_mlp': int8_block / rtn\n"),
            std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("note: int8_blockwise loads only in ComfyUI builds"), std::string::npos)
      << run.out;

  const SafetensorsReader written(output);
  EXPECT_EQ(written.find("double_blocks.1.img_mlp.2.weight")->info.dtype, DType::I8);
  EXPECT_EQ(config_of(written, "double_blocks.1.img_mlp.2"),
            R"({"format": "int8_blockwise", "group_size": 128})");
  EXPECT_NE(written.find("double_blocks.1.img_mlp.2.input_scale"), nullptr);
  EXPECT_EQ(written.find("double_blocks.1.img_attn.qkv.weight")->info.dtype, DType::F8_E4M3);
  EXPECT_EQ(config_of(written, "double_blocks.1.img_attn.qkv"), R"({"format": "float8_e4m3fn"})");
  EXPECT_EQ(written.find("double_blocks.1.img_attn.qkv.input_scale"), nullptr);
  EXPECT_EQ(written.find("final_layer.linear.weight")->info.dtype, DType::BF16);
  EXPECT_EQ(config_of(written, "final_layer.linear"), "none");
  EXPECT_EQ(written.find("img_in.weight")->info.dtype, DType::BF16);

  const auto report = nlohmann::json::parse(read_file(file("out.report.json")));
  const auto mlp = report_layer(report, "double_blocks.1.img_mlp.2.weight");
  EXPECT_EQ(mlp["format"], "int8_block");
  EXPECT_EQ(mlp["format_label"], "int8_block");
  EXPECT_EQ(mlp["comfy_format"], "int8_blockwise");
  EXPECT_EQ(mlp["optimizer"], "rtn");
  EXPECT_EQ(mlp["reason"], "override[1] 'img_mlp'");
  EXPECT_EQ(mlp["bias_corrected"], true);
  EXPECT_EQ(report_layer(report, "double_blocks.1.img_attn.qkv.weight")["format_label"], "fp8");
  EXPECT_EQ(report_layer(report, "final_layer.linear.weight")["reason"],
            "override[0] '^final_layer\\.': skip");
  EXPECT_EQ(report_layer(report, "img_in.weight")["reason"], "heuristic: 64 columns < block 128");
}

TEST_F(CliOverrides, TheQuantizationMetadataFollowsEachLayersFormat) {
  const auto model =
      write_model("model.safetensors",
                  {{"blocks.0.proj.weight", DType::F32, {128, 128}},
                   {"blocks.1.proj.weight", DType::F32, {128, 128}}},
                  {{"_quantization_metadata", R"({"format_version": "1.0", "layers": {}})"}});
  const auto recipe = file("recipe.yaml");
  write_file(recipe,
             "format: fp8\nmodel: generic\n"
             "overrides: [{match: 'blocks\\.1\\.', format: {name: int8_block, scale: row}}]\n");
  const auto output = file("out.safetensors");
  const HostRun run = convert(model, output, {}, {}, recipe.string());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const SafetensorsReader written(output);
  EXPECT_EQ(config_of(written, "blocks.0.proj"), R"({"format": "float8_e4m3fn"})");
  EXPECT_EQ(config_of(written, "blocks.1.proj"),
            R"({"format": "int8_tensorwise", "per_row": true})");
  const auto layers = nlohmann::json::parse(written.metadata().at(0).second)["layers"];
  EXPECT_EQ(layers["blocks.0.proj"], nlohmann::json::parse(config_of(written, "blocks.0.proj")));
  EXPECT_EQ(layers["blocks.1.proj"], nlohmann::json::parse(config_of(written, "blocks.1.proj")));
}

TEST_F(CliOverrides, ABadRuleIsARecipeErrorWithItsLocation) {
  const auto recipe = file("recipe.yaml");
  write_file(recipe, "format: fp8\noverrides:\n  - match: '('\n    skip: true\n");
  const auto output = file("out.safetensors");
  const HostRun run = convert(tiny_model(), output, {}, {}, recipe.string());
  EXPECT_EQ(run.exit_code, 4);
  EXPECT_NE(run.err.find(recipe.string() + ":3:5: overrides[0].match: invalid regex '(': "),
            std::string::npos)
      << run.err;
  EXPECT_FALSE(std::filesystem::exists(output));
}

}  // namespace
}  // namespace lrq::test
