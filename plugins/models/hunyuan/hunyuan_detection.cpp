#include "hunyuan_detection.hpp"

#include <array>
#include <string>
#include <string_view>

#include "model_signature.hpp"

namespace lrq::models {
namespace {

// Double blocks that project q, k and v separately (Flux and Hunyuan Video 1.0 fuse them), and
// the token refiner in front of them.
constexpr std::array<std::string_view, 5> kBlockKeys = {
    "double_blocks.0.img_attn_q.weight",
    "double_blocks.0.img_attn_k.weight",
    "double_blocks.0.img_attn_v.weight",
    "double_blocks.0.txt_attn_q.weight",
    "txt_in.individual_token_refiner.blocks.0.self_attn_qkv.weight",
};
// What version 1.5 added: glyph text, vision tokens, and which of the three a token is.
constexpr std::array<std::string_view, 3> kVersionInputs = {
    "byt5_in.fc1.weight",
    "vision_in.proj.1.weight",
    "cond_type_embedding.weight",
};

Identification identify_hunyuan(const PrefixedKeys& keys) {
  Identification found{0, std::to_string(keys.count_indexed("double_blocks.")) +
                              " double blocks with separate q/k/v, " +
                              std::to_string(keys.count_indexed("single_blocks.")) +
                              " single blocks, token refiner"};
  for (std::string_view input : kVersionInputs) {
    if (!keys.find(input)) continue;
    ++found.extra_checks;
    found.reason += ", " + std::string(input.substr(0, input.find('.')));
  }
  found.reason += found.extra_checks == kVersionInputs.size()
                      ? ": Hunyuan Video 1.5"
                      : ": a Hunyuan DiT, not all of 1.5's inputs";
  return found;
}

}  // namespace

ProfileMatch detect_hunyuan(const ModelIndex& model) {
  return detect_structure(model, kBlockKeys, identify_hunyuan);
}

}  // namespace lrq::models
