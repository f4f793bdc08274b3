// How the table profiles apply their lists (docs/model-profiles.md): removal
// before anything else, plain case-sensitive substrings of the full key, and the generic avoid
// list on top of each profile's own lists unless a recipe turns it off.
#include <gtest/gtest.h>

#include "real_plugins.hpp"

namespace lrq::test {
namespace {

struct Case {
  std::string profile;
  TensorInfo tensor;
  LayerAction action;
  std::string reason;
};

void expect_decisions(const std::vector<Case>& cases, const OptionTexts& options = {}) {
  const ModelIndex model({});
  for (const Case& c : cases) {
    const LayerDecision decision =
        make_model_profile(c.profile, options)->classify(c.tensor, model);
    EXPECT_EQ(decision.action, c.action) << c.profile << " " << c.tensor.name;
    EXPECT_EQ(decision.reason, c.reason) << c.profile << " " << c.tensor.name;
  }
}

TEST(T5xxlProfile, RemovesTheDecoderAndTheLanguageModelHeadOfAFullCheckpoint) {
  expect_decisions({
      {"t5xxl",
       {"decoder.block.0.layer.0.SelfAttention.q.weight", DType::F16, {4096, 4096}},
       LayerAction::remove,
       "t5xxl remove list: 'decoder'"},
      {"t5xxl",
       {"decoder.final_layer_norm.weight", DType::F16, {4096}},
       LayerAction::remove,
       "t5xxl remove list: 'decoder'"},
      {"t5xxl",
       {"lm_head.weight", DType::F16, {32128, 4096}},
       LayerAction::remove,
       "t5xxl remove list: 'lm_head'"},
      {"t5xxl",
       {"encoder.block.0.layer.0.SelfAttention.q.weight", DType::F16, {4096, 4096}},
       LayerAction::quantize,
       "2-D weight"},
  });
}

TEST(ModelProfileRules, MatchPlainCaseSensitiveSubstringsOfTheFullKey) {
  expect_decisions({
      {"flux",
       {"norm_out.linear.weight", DType::BF16, {6144, 3072}},
       LayerAction::keep,
       "generic avoid list: 'norm'"},
      {"flux",
       {"img_in_patch.weight", DType::BF16, {3072, 64}},
       LayerAction::keep,
       "flux high-precision list: 'img_in'"},
      {"krea2",
       {"blocks.3.class_proj.weight", DType::BF16, {64, 64}},
       LayerAction::keep,
       "krea2 high-precision list: 'las'"},
      {"generic",
       {"Norm_out.linear.weight", DType::BF16, {64, 64}},
       LayerAction::quantize,
       "2-D weight"},
      {"qwen35",
       {"model.layers.0.mlp.up_proj.weight", DType::BF16, {64, 64}},
       LayerAction::keep,
       "qwen35 exclude list: '.layers.0.'"},
      {"qwen35",
       {"model.layers.10.mlp.up_proj.weight", DType::BF16, {64, 64}},
       LayerAction::quantize,
       "2-D weight"},
      {"hunyuan",
       {"double_blocks.0.img_attn_q.weight", DType::I8, {64, 64}},
       LayerAction::keep,
       "dtype I8"},
  });
}

TEST(ModelProfileRules, ApplyTheReferenceListsOfEveryKind) {
  expect_decisions({
      {"wan",
       {"text_embedding.0.weight", DType::BF16, {5120, 4096}},
       LayerAction::keep,
       "wan high-precision list: 'text_embedding'"},
      {"wan",
       {"img_emb.proj.1.weight", DType::BF16, {1280, 1280}},
       LayerAction::keep,
       "generic avoid list: 'img_emb.proj'"},
      {"zimage_refiner",
       {"noise_refiner.0.attention.qkv.weight", DType::BF16, {64, 64}},
       LayerAction::keep,
       "zimage_refiner high-precision list: 'noise_refiner'"},
      {"zimage_refiner",
       {"layers.0.attention_norm1.weight", DType::BF16, {64, 64}},
       LayerAction::keep,
       "zimage_refiner exclude list: 'attention_norm1'"},
      {"ltxv2",
       {"transformer_blocks.47.attn1.to_q.weight", DType::BF16, {64, 64}},
       LayerAction::keep,
       "ltxv2 high-precision list: 'transformer_blocks.47.'"},
      {"ltxv2",
       {"transformer_blocks.4.attn1.to_q.weight", DType::BF16, {64, 64}},
       LayerAction::quantize,
       "2-D weight"},
      {"generic_text",
       {"model.layers.0.mlp.up_proj.weight", DType::BF16, {64, 64}},
       LayerAction::quantize,
       "2-D weight"},
  });
}

TEST(ModelProfileRules, TheGenericAvoidListCanBeTurnedOffWhereTheReferenceLacksIt) {
  const TensorInfo modulation{"norm_out.linear.weight", DType::BF16, {6144, 3072}};
  expect_decisions({{"hunyuan", modulation, LayerAction::quantize, "2-D weight"}},
                   {{"generic_avoid_list", "false"}});
  expect_decisions({{"hunyuan", modulation, LayerAction::keep, "generic avoid list: 'norm'"}});
  for (const char* own_list_is_the_avoid_list : {"generic", "t5xxl", "mistral", "wan"}) {
    EXPECT_TRUE(real_plugins().model_profile(own_list_is_the_avoid_list)->schema().specs().empty())
        << own_list_is_the_avoid_list;
  }
}

}  // namespace
}  // namespace lrq::test
