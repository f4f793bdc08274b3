#include "avoid_list.hpp"

#include <array>

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

}  // namespace

std::span<const std::string_view> generic_avoid_list() noexcept {
  return kAvoidKeyNames;
}

}  // namespace lrq::models
