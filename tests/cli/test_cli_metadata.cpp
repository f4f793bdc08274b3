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

TEST_F(CliMetadata, TheLayersWrittenReplaceTheirEntriesAndStaleOnesAreDropped) {
  const std::string old_entry =
      R"({"format_version": "1.0", "layers": {"blocks.0.proj": {"format": "int8_blockwise", )"
      R"("group_size": 128}, "elsewhere.layer": {"format": "float8_e4m3fn"}}})";
  const auto model = model_with({{"_quantization_metadata", old_entry}, {"author", "someone"}});
  const auto output = file("out.safetensors");
  const HostRun run = convert(model, output);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(contains(run.err,
                       "has entries for 1 layers that the output does not store "
                       "quantized: 'elsewhere.layer'"))
      << run.err;

  const SafetensorsReader written(output);
  ASSERT_GE(written.metadata().size(), 2u);
  EXPECT_EQ(written.metadata()[1], (std::pair<std::string, std::string>{"author", "someone"}));
  const auto entry = nlohmann::json::parse(written.metadata()[0].second);
  EXPECT_EQ(entry["format_version"], "1.0");
  EXPECT_EQ(entry["layers"],
            nlohmann::json::parse(R"({"blocks.0.proj": {"format": "float8_e4m3fn"}})"));

  const HostRun inspect = run_host({"inspect", output.string(), "--json"});
  ASSERT_EQ(inspect.exit_code, 0) << inspect.err;
  const auto layers = nlohmann::json::parse(inspect.out)["quantized_layers"];
  ASSERT_EQ(layers.size(), 1u);
  EXPECT_EQ(layers[0]["prefix"], "blocks.0.proj");
  EXPECT_EQ(layers[0]["config_source"], "metadata");
}

TEST_F(CliMetadata, AnEntryOfALayerKeptInHighPrecisionIsDropped) {
  const auto model =
      model_with({{"_quantization_metadata",
                   R"({"layers": {"blocks.0.proj": {"format": "float8_e4m3fn"}}})"}});
  const auto output = file("out.safetensors");
  const HostRun run = convert(model, output,
                              {"--set", "model.profile=generic", "--set", "model.heuristics=true",
                               "--set", "model.heuristics_block_size=256"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const SafetensorsReader written(output);
  EXPECT_EQ(written.find("blocks.0.proj.weight")->info.dtype, DType::F32);
  EXPECT_EQ(nlohmann::json::parse(written.metadata()[0].second)["layers"],
            nlohmann::json::object());
}

TEST_F(CliMetadata, AnEntryOfAQuantizedLayerCopiedThroughStays) {
  const auto quantized = file("quantized.safetensors");
  ASSERT_EQ(convert(model_with({}), quantized).exit_code, 0);
  // The quantized file again, now with an entry for its layer and one for a layer it lacks.
  const SafetensorsReader reader(quantized);
  std::vector<TensorInfo> tensors;
  for (const SafetensorsEntry& entry : reader.entries())
    tensors.push_back(entry.info);
  const auto requantized_input = file("with-entries.safetensors");
  SafetensorsWriter writer(
      requantized_input, tensors,
      {{"_quantization_metadata", R"({"layers": {"blocks.0.proj": {"format": "float8_e4m3fn"}, )"
                                  R"("missing.layer": {"format": "float8_e4m3fn"}}})"}});
  for (const SafetensorsEntry& entry : reader.entries())
    writer.write(entry.info.name, reader.view(entry).bytes);
  writer.commit();

  const auto output = file("out.safetensors");
  const HostRun run = convert(requantized_input, output);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const SafetensorsReader written(output);
  EXPECT_EQ(written.find("blocks.0.proj.weight")->info.dtype, DType::F8_E4M3);
  EXPECT_EQ(nlohmann::json::parse(written.metadata()[0].second)["layers"],
            nlohmann::json::parse(R"({"blocks.0.proj": {"format": "float8_e4m3fn"}})"));
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
