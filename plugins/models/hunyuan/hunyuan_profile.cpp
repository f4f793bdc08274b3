// hunyuan: the reference tool's --hunyuan flag (Hunyuan Video 1.5), with the generic avoid list.
#include "hunyuan_detection.hpp"
#include "table_profile.hpp"

namespace lrq::models {
namespace {

const ProfileTable kHunyuan{
    .name = "hunyuan",
    .description = "Hunyuan Video 1.5: quantize the blocks, keep norms, patch and condition inputs",
    .exclude = {"layernorm", "img_attn_k_norm", "img_attn_q_norm", "txt_attn_k_norm",
                "txt_attn_q_norm", "norm1", "norm2", "vision_in.proj.0", "vision_in.proj.4",
                "img_in.proj", "cond_type_embedding"},
    .detect = detect_hunyuan,
};

}  // namespace
}  // namespace lrq::models

LRQ_TABLE_PROFILE_PLUGIN("hunyuan", "Hunyuan Video 1.5 model profile", lrq::models::kHunyuan)
