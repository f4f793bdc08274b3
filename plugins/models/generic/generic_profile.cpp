// generic: the default model profile. Quantizes 2-D float `.weight` tensors and never the
// reference tool's generic avoid list (norms, biases, embeddings, ...), matched as substrings of
// the full key as the reference does (spec/model-profiles.md sections 2 and 3).
#include <array>
#include <string_view>

#include "lrq/plugin.hpp"

namespace lrq::models {
namespace {

constexpr std::array<std::string_view, 31> kAvoidKeyNames = {
    "norm",
    "bias",
    "embed_tokens",
    "lm_head",
    "shared",
    "patch_embedding",
    "audio_model.patch_embedding",
    "ref_conv",
    "control_adapter",
    "motion_encoder.enc.net_app",
    "face_encoder.conv",
    "pose_patch_embedding",
    "motion_encoder.enc.fc",
    "img_emb.proj",
    "k_norm",
    "q_norm",
    "motion_encoder.dec",
    "head.modulation",
    "casual_audio_encoder",
    "cond_encoder",
    "frame_packer",
    "norm_k",
    "norm_q",
    "tekken_model",
    "multi_modal_projector",
    "patch_conv",
    "ln_pre",
    "input_layernorm",
    "attention_norm",
    "post_attention_layernorm",
    "mm_input_projection_weight",
};

class GenericProfile final : public ModelProfile {
 public:
  ProfileMatch detect(const ModelIndex&) const override { return {1, "matches any model, weakly"}; }

  LayerDecision classify(const TensorInfo& tensor, const ModelIndex&) const override {
    if (!tensor.name.ends_with(".weight")) return {LayerAction::keep, "not a .weight tensor"};
    if (tensor.shape.size() != 2) {
      return {LayerAction::keep, std::to_string(tensor.shape.size()) + "-D tensor"};
    }
    for (std::string_view avoided : kAvoidKeyNames) {
      if (tensor.name.find(avoided) != std::string::npos) {
        return {LayerAction::keep, "generic avoid list: '" + std::string(avoided) + "'"};
      }
    }
    if (!is_quantizable_source(tensor.dtype)) {
      return {LayerAction::keep, "dtype " + std::string(safetensors_name(tensor.dtype))};
    }
    return {LayerAction::quantize, "2-D weight"};
  }
};

class GenericProfileFactory final : public ModelProfileFactory {
 public:
  std::string name() const override { return "generic"; }
  std::string description() const override {
    return "Any model: quantize 2-D .weight tensors except norms, biases and embeddings";
  }
  OptionsSchema schema() const override { return {}; }
  std::unique_ptr<ModelProfile> create(const Options&) const override {
    return std::make_unique<GenericProfile>();
  }
};

void register_generic(Registrar& registrar) {
  registrar.add(std::make_unique<GenericProfileFactory>());
}

}  // namespace
}  // namespace lrq::models

LRQ_PLUGIN("generic", "0.1.0", "Generic model profile", lrq::models::register_generic)
