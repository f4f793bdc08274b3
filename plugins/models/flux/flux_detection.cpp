#include "flux_detection.hpp"

#include <array>
#include <string>
#include <string_view>

#include "model_signature.hpp"

namespace lrq::models {
namespace {

constexpr std::array<std::string_view, 6> kFluxKeys = {
    "double_blocks.0.img_attn.qkv.weight",
    "single_blocks.0.linear1.weight",
    "img_in.weight",
    "txt_in.weight",
    "time_in.in_layer.weight",
    "vector_in.in_layer.weight",
};

Identification identify_flux(const PrefixedKeys& keys) {
  const bool guidance = keys.find("guidance_in.in_layer.weight") != nullptr;
  return {guidance ? 1u : 0u,
          std::to_string(keys.count_indexed("double_blocks.")) + " double blocks, " +
              std::to_string(keys.count_indexed("single_blocks.")) + " single blocks, " +
              (guidance ? "guidance_in: Flux.1-dev" : "no guidance_in: Flux.1-schnell")};
}

}  // namespace

// Flux.2 shares the block names but modulates every block from shared layers and has no
// vector_in; Chroma has no vector_in either; Hunyuan Video projects q, k and v separately.
ProfileMatch detect_flux(const ModelIndex& model) {
  if (any_key_contains(model, "stream_modulation")) {
    return {0, "shared stream modulation layers: Flux.2, not Flux.1"};
  }
  return detect_structure(model, kFluxKeys, identify_flux);
}

}  // namespace lrq::models
