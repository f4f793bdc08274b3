// The flux, t5xxl and hunyuan profiles over every tensor of their models' published key lists,
// against expectations stated from the models' structure and the rules of
// docs/model-profiles.md: only 2-D `.weight` tensors are candidates, and a list
// entry keeps a layer.
#include <gtest/gtest.h>
#include <re2/re2.h>

#include <functional>

#include "model_fixture.hpp"
#include "real_plugins.hpp"

namespace lrq::test {
namespace {

struct Counts {
  int quantize = 0;
  int keep = 0;
  int remove = 0;
  bool operator==(const Counts&) const = default;
};

void PrintTo(const Counts& counts, std::ostream* out) {
  *out << counts.quantize << " quantize, " << counts.keep << " keep, " << counts.remove
       << " remove";
}

using Expectation = std::function<LayerAction(const TensorInfo&)>;

Counts classify_fixture(const std::string& profile_name, const std::string& fixture,
                        const Expectation& expected) {
  const auto profile = make_model_profile(profile_name);
  const ModelIndex model = load_model_fixture(fixture);
  Counts counts;
  for (const TensorInfo& tensor : model.tensors()) {
    const LayerDecision decision = profile->classify(tensor, model);
    EXPECT_EQ(decision.action, expected(tensor)) << tensor.name << ": " << decision.reason;
    ++(decision.action == LayerAction::quantize ? counts.quantize
       : decision.action == LayerAction::keep   ? counts.keep
                                                : counts.remove);
  }
  return counts;
}

bool is_candidate(const TensorInfo& tensor) {
  return tensor.name.ends_with(".weight") && tensor.shape.size() == 2;
}

LayerAction quantize_if(bool condition) {
  return condition ? LayerAction::quantize : LayerAction::keep;
}

TEST(FluxProfile, QuantizesEveryBlockLinearAndKeepsTheInputAndOutputLayers) {
  // Flux.1's norms are 1-D `.scale` tensors, so every 2-D weight of a block is a linear layer;
  // the embedders (img_in, txt_in, time_in, vector_in, guidance_in) and final_layer stay.
  const Counts counts = classify_fixture("flux", "flux1-dev", [](const TensorInfo& tensor) {
    const bool in_block =
        tensor.name.starts_with("double_blocks.") || tensor.name.starts_with("single_blocks.");
    return quantize_if(is_candidate(tensor) && in_block);
  });
  EXPECT_EQ(counts, (Counts{304, 476, 0}));
}

TEST(T5xxlProfile, QuantizesTheEncoderLinearsOnly) {
  // Attention q/k/v/o and the gated feed-forward; the embedding tables, the norms and the
  // relative attention bias table (2-D, but its name contains `bias`) stay.
  const RE2 linear(
      R"(encoder\.block\.\d+\.layer\.(0\.SelfAttention\.[qkvo]|1\.DenseReluDense\.(wi_0|wi_1|wo))\.weight)");
  const Counts counts = classify_fixture("t5xxl", "t5xxl-encoder", [&](const TensorInfo& tensor) {
    return quantize_if(RE2::FullMatch(tensor.name, linear));
  });
  EXPECT_EQ(counts, (Counts{168, 52, 0}));
}

TEST(HunyuanProfile, QuantizesEveryLinearButKeepsTheConditionTypeTable) {
  // The norms are 1-D and img_in is a 5-D convolution; the only 2-D weight that is no linear
  // layer is the three-row condition-type embedding, which the hunyuan list keeps.
  const Counts counts =
      classify_fixture("hunyuan", "hunyuan-video-1.5", [](const TensorInfo& tensor) {
        return quantize_if(is_candidate(tensor) && !tensor.name.starts_with("cond_type_embedding"));
      });
  EXPECT_EQ(counts, (Counts{780, 1013, 0}));
}

struct ReasonCase {
  std::string key;
  LayerAction action;
  std::string reason;
};

void expect_reasons(const std::string& profile_name, const std::string& fixture,
                    const std::vector<ReasonCase>& cases) {
  const auto profile = make_model_profile(profile_name);
  const ModelIndex model = load_model_fixture(fixture);
  for (const ReasonCase& c : cases) {
    const TensorInfo* tensor = model.find(c.key);
    ASSERT_NE(tensor, nullptr) << fixture << " has no " << c.key;
    const LayerDecision decision = profile->classify(*tensor, model);
    EXPECT_EQ(decision.action, c.action) << c.key;
    EXPECT_EQ(decision.reason, c.reason) << c.key;
  }
}

TEST(ModelProfileFixtures, NameTheListAndTheEntryThatDecided) {
  expect_reasons("flux", "flux1-dev",
                 {{"img_in.weight", LayerAction::keep, "flux high-precision list: 'img_in'"},
                  {"final_layer.adaLN_modulation.1.weight", LayerAction::keep,
                   "flux high-precision list: 'final_layer'"},
                  {"double_blocks.0.img_attn.norm.query_norm.scale", LayerAction::keep,
                   "not a .weight tensor"},
                  {"single_blocks.37.linear2.weight", LayerAction::quantize, "2-D weight"}});
  expect_reasons(
      "t5xxl", "t5xxl-encoder",
      {{"shared.weight", LayerAction::keep, "generic avoid list: 'shared'"},
       {"encoder.embed_tokens.weight", LayerAction::keep, "generic avoid list: 'embed_tokens'"},
       {"encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight", LayerAction::keep,
        "generic avoid list: 'bias'"},
       {"encoder.final_layer_norm.weight", LayerAction::keep, "1-D tensor"}});
  expect_reasons("hunyuan", "hunyuan-video-1.5",
                 {{"cond_type_embedding.weight", LayerAction::keep,
                   "hunyuan exclude list: 'cond_type_embedding'"},
                  {"img_in.proj.weight", LayerAction::keep, "5-D tensor"},
                  {"double_blocks.53.txt_attn_v.weight", LayerAction::quantize, "2-D weight"}});
}

}  // namespace
}  // namespace lrq::test
