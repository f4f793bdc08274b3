// Sizes of --shard-size, and the names and cuts of a sharded output.
#include <gtest/gtest.h>

#include "pipeline/output_shards.hpp"
#include "pipeline/report.hpp"
#include "pipeline/shard_index.hpp"
#include "recipe/number_text.hpp"

namespace lrq::host {
namespace {

TEST(ByteSize, UnitsArePowersOf1000Or1024) {
  EXPECT_EQ(parse_byte_size("123"), 123u);
  EXPECT_EQ(parse_byte_size("7B"), 7u);
  EXPECT_EQ(parse_byte_size("5GB"), 5'000'000'000u);
  EXPECT_EQ(parse_byte_size("500MB"), 500'000'000u);
  EXPECT_EQ(parse_byte_size("2KB"), 2'000u);
  EXPECT_EQ(parse_byte_size("3TB"), 3'000'000'000'000u);
  EXPECT_EQ(parse_byte_size("2KiB"), 2'048u);
  EXPECT_EQ(parse_byte_size("1MiB"), 1'048'576u);
  EXPECT_EQ(parse_byte_size("1GiB"), 1'073'741'824u);
  EXPECT_EQ(parse_byte_size("1TiB"), 1'099'511'627'776u);
}

TEST(ByteSize, AnythingElseIsNothing) {
  for (const char* text :
       {"", "GB", "5 GB", "5gb", "1.5GB", "-1", "5XB", "20000000TB", "99999999999999999999"}) {
    EXPECT_FALSE(parse_byte_size(text)) << text;
  }
}

TEST(OutputShards, NamesFollowHuggingFace) {
  EXPECT_EQ(shard_index_path("dir/out.safetensors"), "dir/out.safetensors.index.json");
  EXPECT_EQ(shard_index_path("dir/out.safetensors.index.json"), "dir/out.safetensors.index.json");
  EXPECT_EQ(shard_index_path("out"), "out.safetensors.index.json");
  EXPECT_EQ(report_path("dir/out.safetensors"), "dir/out.report.json");
  EXPECT_EQ(report_path("dir/out.safetensors.index.json"), "dir/out.report.json");
  EXPECT_EQ(report_path("out.bin"), "out.bin.report.json");
}

TEST(OutputShards, AShardsNameIsReadBackIntoItsParts) {
  const std::optional<ShardFileName> name =
      parse_shard_file_name(shard_file_name("model-x", 2, 12));
  ASSERT_TRUE(name);
  EXPECT_EQ(name->stem, "model-x");
  EXPECT_EQ(name->number, 2u);
  EXPECT_EQ(name->count, 12u);
  EXPECT_EQ(parse_shard_file_name("-00001-of-00002.safetensors")->stem, "");
  for (const char* other :
       {"model.safetensors", "model-1-of-2.safetensors", "model-00001-of-0002.safetensors",
        "model-0000a-of-00002.safetensors", "model_00001-of-00002.safetensors",
        "model-00001-of-00002.safetensors.index.json", "00001-of-00002.safetensors", ""}) {
    EXPECT_FALSE(parse_shard_file_name(other)) << other;
  }
}

// Three input tensors: a quantized weight (two outputs), a kept one, and a removed one.
ConversionPlan three_tensor_plan() {
  ConversionPlan plan;
  plan.tensors.resize(4);
  plan.tensors[0].outputs = {{"a.weight", DType::U8, {60}}, {"a.weight_scale", DType::F32, {1}}};
  plan.tensors[1].outputs = {{"b", DType::U8, {50}}};
  plan.tensors[3].outputs = {{"c", DType::U8, {30}}};
  return plan;
}

std::vector<std::vector<std::string>> names(const std::vector<OutputShard>& shards) {
  std::vector<std::vector<std::string>> all;
  for (const OutputShard& shard : shards) {
    all.emplace_back();
    for (const TensorInfo& tensor : shard.tensors)
      all.back().push_back(tensor.name);
  }
  return all;
}

TEST(OutputShards, CutInPlanOrderKeepingAWeightWithItsScale) {
  const ConversionPlan plan = three_tensor_plan();
  const std::vector<OutputShard> shards = plan_output_shards("d/m.safetensors", plan, 80);
  using Names = std::vector<std::vector<std::string>>;
  EXPECT_EQ(names(shards), (Names{{"a.weight", "a.weight_scale"}, {"b", "c"}}));
  ASSERT_EQ(shards.size(), 2u);
  EXPECT_EQ(shards[0].path, "d/m-00001-of-00002.safetensors");
  EXPECT_EQ(shards[1].path, "d/m-00002-of-00002.safetensors");
  // A weight and its scale larger than a shard stay together, alone.
  EXPECT_EQ(names(plan_output_shards("m.safetensors", plan, 10)),
            (Names{{"a.weight", "a.weight_scale"}, {"b"}, {"c"}}));
  EXPECT_EQ(names(plan_output_shards("m.safetensors", plan, 1000)),
            (Names{{"a.weight", "a.weight_scale", "b", "c"}}));
}

TEST(OutputShards, IndexMapsEveryTensorToItsShard) {
  const std::vector<OutputShard> shards =
      plan_output_shards("d/m.safetensors", three_tensor_plan(), 80);
  const nlohmann::ordered_json index = shard_index_json(shards);
  EXPECT_EQ(index["metadata"]["total_size"], 60 + 4 + 50 + 30);
  EXPECT_EQ(index["weight_map"].dump(),
            R"({"a.weight":"m-00001-of-00002.safetensors",)"
            R"("a.weight_scale":"m-00001-of-00002.safetensors",)"
            R"("b":"m-00002-of-00002.safetensors","c":"m-00002-of-00002.safetensors"})");
}

}  // namespace
}  // namespace lrq::host
