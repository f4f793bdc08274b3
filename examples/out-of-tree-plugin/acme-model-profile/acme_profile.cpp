// acme: the model profile of the (made-up) Acme transformer family, whose checkpoints hold
//   acme.embed.weight, acme.blocks.<i>.{attn.qkv,attn.out,mlp.up,mlp.down}.{weight,bias},
//   acme.blocks.<i>.norm.weight, acme.head.weight
// under any prefix (ComfyUI's `model.diffusion_model.` included). The embedding, the output head
// and the first block stay in high precision; norms and biases too (lrq's generic avoid list,
// unless the profile's `generic_avoid_list` option is false). The profile is a table that
// lrq::model_common's TableProfile interprets, like lrq's own flux and t5xxl profiles.
#include <string>
#include <string_view>

#include "model_signature.hpp"
#include "table_profile.hpp"

namespace acme {
namespace {

using lrq::models::Identification;
using lrq::models::PrefixedKeys;

// The first key fixes the prefix; the others must be there under the same one.
constexpr std::string_view kStructure[] = {"acme.embed.weight", "acme.head.weight",
                                           "acme.blocks.0.attn.qkv.weight"};

lrq::ProfileMatch detect_acme(const lrq::ModelIndex& model) {
  return lrq::models::detect_structure(model, kStructure, [](const PrefixedKeys& keys) {
    const std::size_t blocks = keys.count_indexed("acme.blocks.");
    return Identification{0, "Acme transformer, " + std::to_string(blocks) + " blocks"};
  });
}

const lrq::models::ProfileTable kAcme{
    .name = "acme",
    .description = "Acme transformer: quantize the blocks' linear layers but the first block's",
    .high_precision = {"acme.embed.", "acme.head.", "acme.blocks.0."},
    .detect = detect_acme,
};

}  // namespace
}  // namespace acme

LRQ_TABLE_PROFILE_PLUGIN("acme", "Acme transformer model profile (SDK example)", acme::kAcme)
