// An input's `_quantization_metadata` (which ComfyUI lets win over the .comfy_quant tensors) never
// contradicts what lrq writes, and inspect shows which of the two a config comes from.
#include <nlohmann/json.hpp>

#include "cli_test.hpp"
#include "lrq/safetensors.hpp"

namespace lrq::test {
namespace {

class CliMetadata : public CliTest {
 protected:
  // One 2-D weight and one bias, with the given `__metadata__`.
  std::filesystem::path model_with(const Metadata& metadata) {
    return write_model("model.safetensors",
                       {{"blocks.0.proj.weight", DType::F32, {128, 128}},
                        {"blocks.0.proj.bias", DType::F32, {128}}},
                       metadata);
  }
};

TEST_F(CliMetadata, TheLayersWrittenReplaceTheirEntriesAndTheRestIsKept) {
  const std::string old_entry =
      R"({"format_version": "1.0", "layers": {"blocks.0.proj": {"format": "int8_blockwise", )"
      R"("group_size": 128}, "elsewhere.layer": {"format": "float8_e4m3fn"}}})";
  const auto model = model_with({{"_quantization_metadata", old_entry}, {"author", "someone"}});
  const auto output = file("out.safetensors");
  const HostRun run = convert(model, output);
  ASSERT_EQ(run.exit_code, 0) << run.err;

  const SafetensorsReader written(output);
  ASSERT_EQ(written.metadata().size(), 2u);
  EXPECT_EQ(written.metadata()[1], (std::pair<std::string, std::string>{"author", "someone"}));
  const auto entry = nlohmann::json::parse(written.metadata()[0].second);
  EXPECT_EQ(entry["format_version"], "1.0");
  EXPECT_EQ(entry["layers"]["blocks.0.proj"],
            nlohmann::json::parse(R"({"format": "float8_e4m3fn"})"));
  EXPECT_EQ(entry["layers"]["elsewhere.layer"],
            nlohmann::json::parse(R"({"format": "float8_e4m3fn"})"));

  const HostRun inspect = run_host({"inspect", output.string(), "--json"});
  ASSERT_EQ(inspect.exit_code, 0) << inspect.err;
  const auto layers = nlohmann::json::parse(inspect.out)["quantized_layers"];
  ASSERT_EQ(layers.size(), 2u);
  EXPECT_EQ(layers[0]["prefix"], "blocks.0.proj");
  EXPECT_EQ(layers[0]["config_source"], "metadata");
  EXPECT_EQ(layers[1]["prefix"], "elsewhere.layer");
  EXPECT_EQ(layers[1]["config_source"], "metadata");
}

TEST_F(CliMetadata, InspectSaysWhenTheMetadataOverridesATensor) {
  const auto model = model_with({});
  const auto quantized = file("quantized.safetensors");
  ASSERT_EQ(convert(model, quantized).exit_code, 0);
  // The same tensors under a metadata entry that says otherwise.
  const SafetensorsReader reader(quantized);
  std::vector<TensorInfo> plan;
  for (const SafetensorsEntry& entry : reader.entries())
    plan.push_back(entry.info);
  const auto tampered = file("tampered.safetensors");
  SafetensorsWriter writer(tampered, plan,
                           {{"_quantization_metadata",
                             R"({"layers": {"blocks.0.proj": {"format": "int8_tensorwise"}}})"}});
  for (const SafetensorsEntry& entry : reader.entries()) {
    writer.write(entry.info.name, reader.view(entry).bytes);
  }
  writer.commit();
  const HostRun inspect = run_host({"inspect", tampered.string()});
  ASSERT_EQ(inspect.exit_code, 0) << inspect.err;
  EXPECT_TRUE(contains(inspect.out, "int8_tensorwise")) << inspect.out;
  EXPECT_TRUE(contains(inspect.out, "metadata, overriding the tensor")) << inspect.out;
}

TEST_F(CliMetadata, AnEntryComfyUiCannotLoadIsAnInputError) {
  for (const std::string bad : {"not json", R"({"format_version": "1.0"})", "[]"}) {
    const auto model = model_with({{"_quantization_metadata", bad}});
    const HostRun run = convert(model, file("out.safetensors"));
    EXPECT_EQ(run.exit_code, 3) << bad << ": " << run.err;
    EXPECT_TRUE(contains(run.err, "_quantization_metadata")) << run.err;
    EXPECT_FALSE(std::filesystem::exists(file("out.safetensors")));
  }
}

}  // namespace
}  // namespace lrq::test
