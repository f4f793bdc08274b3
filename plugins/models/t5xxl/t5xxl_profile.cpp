// t5xxl: the reference tool's --t5xxl flag. Keeps the generic avoid list and removes the decoder
// and the language-model head, which a text encoder never uses.
#include "t5_detection.hpp"
#include "table_profile.hpp"

namespace lrq::models {
namespace {

const ProfileTable kT5xxl{
    .name = "t5xxl",
    .description = "T5-XXL text encoder: quantize the encoder, remove the decoder and lm_head",
    .remove = {"decoder", "lm_head"},
    .includes_avoid_list = true,
    .detect = detect_t5,
};

}  // namespace
}  // namespace lrq::models

LRQ_TABLE_PROFILE_PLUGIN("t5xxl", "T5-XXL text encoder model profile", lrq::models::kT5xxl)
