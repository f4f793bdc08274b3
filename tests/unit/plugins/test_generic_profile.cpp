#include <gtest/gtest.h>

#include <cstring>

#include "real_plugins.hpp"

namespace lrq::test {
namespace {

struct Case {
  TensorInfo tensor;
  LayerAction action;
  std::string reason;
};

TEST(GenericProfile, QuantizesTwoDimensionalWeightsOutsideTheAvoidList) {
  const auto profile = make_model_profile("generic");
  const std::vector<Case> cases = {
      {{"double_blocks.0.img_attn.qkv.weight", DType::BF16, {9216, 3072}},
       LayerAction::quantize,
       "2-D weight"},
      {{"double_blocks.0.img_attn.qkv.bias", DType::BF16, {9216}},
       LayerAction::keep,
       "not a .weight tensor"},
      {{"double_blocks.0.img_attn.norm.query_norm.scale", DType::BF16, {128}},
       LayerAction::keep,
       "not a .weight tensor"},
      {{"encoder.block.0.layer.0.layer_norm.weight", DType::F32, {4096}},
       LayerAction::keep,
       "1-D tensor"},
      {{"final_layer.norm_out.linear.weight", DType::BF16, {6144, 3072}},
       LayerAction::keep,
       "generic avoid list: 'norm'"},
      {{"shared.weight", DType::F32, {32128, 4096}},
       LayerAction::keep,
       "generic avoid list: 'shared'"},
      {{"model.embed_tokens.weight", DType::BF16, {1000, 64}},
       LayerAction::keep,
       "generic avoid list: 'embed_tokens'"},
      {{"patch_embed.proj.weight", DType::BF16, {64, 3, 2, 2}}, LayerAction::keep, "4-D tensor"},
      {{"blocks.0.mlp.weight", DType::I8, {64, 64}}, LayerAction::keep, "dtype I8"},
  };
  const ModelIndex model({});
  for (const Case& c : cases) {
    const LayerDecision decision = profile->classify(c.tensor, model);
    EXPECT_EQ(decision.action, c.action) << c.tensor.name;
    EXPECT_EQ(decision.reason, c.reason) << c.tensor.name;
  }
}

TEST(GenericProfile, DetectsAnyModelWithTheLowestPositiveScore) {
  EXPECT_EQ(make_model_profile("generic")->detect(ModelIndex({})).score, 1);
}

TEST(RoundToNearest, IsTheBackendsNearestEvenRounding) {
  const auto backend = make_backend("cpu");
  const std::vector<float> values = {0.5f, 1.5f, 2.5f, -0.5f, -1.5f, 126.6f, 200.0f, -300.0f};
  const TensorInfo info{"x.weight", DType::F32, {2, 4}};
  std::vector<std::byte> bytes(values.size() * 4);
  std::memcpy(bytes.data(), values.data(), bytes.size());
  const DeviceTensor weight = backend->upload({DType::F32, info.shape, bytes});
  const std::vector<float> unit = {1.0f};
  std::vector<std::byte> unit_bytes(4);
  std::memcpy(unit_bytes.data(), unit.data(), 4);
  const DeviceTensor one = backend->upload({DType::F32, {1, 1}, unit_bytes});
  const LayerQuantization quantization{Grid::int8(), ScaleLayout::per_tensor(), one, one};
  const RoundingResult result =
      make_optimizer("rtn")->optimize({*backend, info, weight, quantization, 9});
  std::vector<float> rounded(values.size());
  backend->download(result.grid_values, std::as_writable_bytes(std::span(rounded)));
  EXPECT_EQ(rounded, (std::vector<float>{0.0f, 2.0f, 2.0f, 0.0f, -2.0f, 127.0f, 127.0f, -127.0f}));
  EXPECT_EQ(result.iterations, 0);
  EXPECT_EQ(result.stop_reason, "round-to-nearest");
}

}  // namespace
}  // namespace lrq::test
