// generic: the default model profile. Quantizes 2-D float `.weight` tensors and never the
// reference tool's generic avoid list (norms, biases, embeddings, ...), matched as substrings of
// the full key as the reference does (docs/model-profiles.md).
#include "table_profile.hpp"

namespace lrq::models {
namespace {

const ProfileTable kGeneric{
    .name = "generic",
    .description = "Any model: quantize 2-D .weight tensors except norms, biases and embeddings",
    .includes_avoid_list = true,
    .detect =
        [](const ModelIndex&) {
          return ProfileMatch{1, "matches any model, weakly"};
        },
};

}  // namespace
}  // namespace lrq::models

LRQ_TABLE_PROFILE_PLUGIN("generic", "Generic model profile", lrq::models::kGeneric)
