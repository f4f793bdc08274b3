// Where a layer sits in a model, from its weight's name alone, for any model: the block is the
// name up to its first numbered part that is not the last ("double_blocks.3", "model.layers.12"),
// the type what follows, without ".weight" ("img_attn.qkv", "self_attn.q_proj"). Other names
// belong to the block "other" and are their own type ("img_in", "final_layer.adaLN_modulation.1").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace lrq::host {

inline constexpr std::string_view kOtherBlock = "other";

struct LayerKey {
  std::string block;   // "double_blocks.3", or "other"
  std::string family;  // "double_blocks", or "other"
  std::uint64_t number = 0;
  std::string type;
};

LayerKey layer_key(std::string_view weight_name);

}  // namespace lrq::host
