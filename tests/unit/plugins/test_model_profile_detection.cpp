// Automatic detection: every model profile scores each model, 0 meaning "not this model" and
// generic's 1 meaning "any model"; the model's own profile must score highest.
#include <gtest/gtest.h>

#include <map>

#include "model_fixture.hpp"
#include "real_plugins.hpp"

namespace lrq::test {
namespace {

std::map<std::string, ProfileMatch> detect_with_every_profile(const ModelIndex& model) {
  std::map<std::string, ProfileMatch> matches;
  for (const std::string& name : real_plugins().names(host::PluginKind::model)) {
    matches[name] = make_model_profile(name)->detect(model);
  }
  return matches;
}

// The named profile scores above 1 and above every other profile.
void expect_detected_only_by(const std::string& profile, const ModelIndex& model,
                             const std::string& reason = "") {
  const auto matches = detect_with_every_profile(model);
  const ProfileMatch& own = matches.at(profile);
  EXPECT_GT(own.score, 1) << profile << ": " << own.reason;
  if (!reason.empty()) {
    EXPECT_EQ(own.reason, reason);
  }
  for (const auto& [name, match] : matches) {
    if (name != profile) {
      EXPECT_LT(match.score, own.score) << name << " (" << match.reason << ") against " << profile;
    }
  }
}

ModelIndex model_of(const std::vector<std::string>& keys) {
  std::vector<TensorInfo> tensors;
  for (const std::string& key : keys)
    tensors.push_back({key, DType::BF16, {64, 64}});
  return ModelIndex(std::move(tensors));
}

TEST(ModelProfileDetection, RecognisesFluxDev) {
  expect_detected_only_by("flux", load_model_fixture("flux1-dev"),
                          "19 double blocks, 38 single blocks, guidance_in: Flux.1-dev");
}

TEST(ModelProfileDetection, RecognisesFluxSchnellBehindAComfyPrefix) {
  const ModelIndex dev = load_model_fixture("flux1-dev");
  std::vector<TensorInfo> tensors;
  for (TensorInfo tensor : dev.tensors()) {
    if (tensor.name.starts_with("guidance_in.")) continue;
    tensor.name = "model.diffusion_model." + tensor.name;
    tensors.push_back(std::move(tensor));
  }
  expect_detected_only_by("flux", ModelIndex(std::move(tensors)),
                          "19 double blocks, 38 single blocks, no guidance_in: Flux.1-schnell");
}

TEST(ModelProfileDetection, RecognisesTheT5xxlEncoder) {
  expect_detected_only_by("t5xxl", load_model_fixture("t5xxl-encoder"),
                          "24 encoder blocks, d_model 4096, gated FFN (wi_0, wi_1), shared.weight "
                          "[32128, 4096]: T5-XXL encoder");
}

TEST(ModelProfileDetection, RecognisesHunyuanVideo15) {
  expect_detected_only_by("hunyuan", load_model_fixture("hunyuan-video-1.5"),
                          "54 double blocks with separate q/k/v, 0 single blocks, token refiner, "
                          "byt5_in, vision_in, cond_type_embedding: Hunyuan Video 1.5");
}

TEST(ModelProfileDetection, RecognisesTheReferenceModelsWithASignature) {
  expect_detected_only_by(
      "flux2", model_of({"double_blocks.0.img_attn.qkv.weight", "single_blocks.0.linear1.weight",
                         "double_stream_modulation_img.lin.weight",
                         "single_stream_modulation.lin.weight", "img_in.weight", "txt_in.weight",
                         "time_in.in_layer.weight", "guidance_in.in_layer.weight"}));
  expect_detected_only_by("wan", model_of({"patch_embedding.weight", "text_embedding.0.weight",
                                           "time_embedding.0.weight", "time_projection.1.weight",
                                           "blocks.0.self_attn.q.weight",
                                           "blocks.0.cross_attn.k.weight", "head.head.weight"}));
  expect_detected_only_by("qwen", model_of({"img_in.weight", "txt_in.weight", "txt_norm.weight",
                                            "time_text_embed.timestep_embedder.linear_1.weight",
                                            "transformer_blocks.0.img_mod.1.weight",
                                            "transformer_blocks.0.attn.norm_added_q.weight",
                                            "norm_out.linear.weight", "proj_out.weight"}));
  expect_detected_only_by(
      "zimage",
      model_of({"x_embedder.weight", "cap_embedder.1.weight", "x_pad_token", "cap_pad_token",
                "noise_refiner.0.attention.qkv.weight", "context_refiner.0.attention.qkv.weight",
                "layers.0.attention.qkv.weight", "final_layer.linear.weight"}));
  expect_detected_only_by(
      "ltxv2", model_of({"adaln_single.linear.weight", "patchify_proj.weight", "scale_shift_table",
                         "audio_patchify_proj.weight", "audio_adaln_single.linear.weight",
                         "transformer_blocks.0.attn1.to_q.weight"}));
  expect_detected_only_by("mistral", model_of({"tekken_model", "model.embed_tokens.weight",
                                               "model.layers.0.self_attn.q_proj.weight",
                                               "model.layers.0.mlp.gate_proj.weight"}));
  expect_detected_only_by("qwen35", model_of({"model.layers.0.linear_attn.in_proj_a.weight",
                                              "model.layers.0.linear_attn.in_proj_b.weight",
                                              "model.layers.3.self_attn.q_proj.weight"}));
  expect_detected_only_by(
      "anima", model_of({"net.x_embedder.proj.1.weight", "net.t_embedder.1.linear_1.weight",
                         "net.blocks.0.self_attn.q_proj.weight",
                         "net.llm_adapter.blocks.0.self_attn.q_proj.weight"}));
  expect_detected_only_by("gemma4",
                          model_of({"model.language_model.layers.0.per_layer_input_gate.weight",
                                    "model.language_model.layers.0.per_layer_projection.weight"}));
}

TEST(ModelProfileDetection, NoProfileClaimsAnUnrelatedModel) {
  const auto matches = detect_with_every_profile(
      model_of({"encoder.layers.0.fc1.weight", "encoder.layers.0.fc2.weight", "head.weight"}));
  for (const auto& [name, match] : matches) {
    EXPECT_LE(match.score, 1) << name << ": " << match.reason;
  }
  EXPECT_EQ(matches.at("flux").score, 0);
  EXPECT_EQ(matches.at("flux").reason, "no 'double_blocks.0.img_attn.qkv.weight' key");
  EXPECT_EQ(matches.at("lens").score, 1);
  EXPECT_EQ(matches.at("lens").reason, "no signature to detect it by; used when named");
}

}  // namespace
}  // namespace lrq::test
