// The Flux layout (double blocks with image and text streams, single blocks, embedders) at any
// width, so tiny models have the real key names and relative shapes.
#include "models/flux_shapes.hpp"

#include <algorithm>

namespace lrq::host {
namespace {

void add_linear(std::vector<SyntheticTensor>& tensors, const std::string& prefix,
                std::int64_t out_features, std::int64_t in_features) {
  tensors.push_back(
      {prefix + ".weight", {out_features, in_features}, SyntheticKind::linear_weight});
  tensors.push_back({prefix + ".bias", {out_features}, SyntheticKind::bias});
}

void add_qk_norm(std::vector<SyntheticTensor>& tensors, const std::string& prefix,
                 std::int64_t head_dim) {
  tensors.push_back({prefix + ".query_norm.scale", {head_dim}, SyntheticKind::norm_scale});
  tensors.push_back({prefix + ".key_norm.scale", {head_dim}, SyntheticKind::norm_scale});
}

void add_double_block_side(std::vector<SyntheticTensor>& tensors, const FluxDimensions& d,
                           int block, const std::string& side) {
  const std::int64_t h = d.hidden;
  const std::int64_t mlp = d.hidden * d.mlp_ratio;
  const std::string prefix = "double_blocks." + std::to_string(block) + "." + side;
  add_linear(tensors, prefix + "_mod.lin", 6 * h, h);
  add_linear(tensors, prefix + "_attn.qkv", 3 * h, h);
  add_qk_norm(tensors, prefix + "_attn.norm", d.head_dim);
  add_linear(tensors, prefix + "_attn.proj", h, h);
  add_linear(tensors, prefix + "_mlp.0", mlp, h);
  add_linear(tensors, prefix + "_mlp.2", h, mlp);
}

void sort_by_name(std::vector<SyntheticTensor>& tensors) {
  std::sort(tensors.begin(), tensors.end(),
            [](const SyntheticTensor& a, const SyntheticTensor& b) { return a.name < b.name; });
}

}  // namespace

std::vector<SyntheticTensor> flux_image_block_tensors(const FluxDimensions& d) {
  std::vector<SyntheticTensor> tensors;
  add_double_block_side(tensors, d, 0, "img");
  sort_by_name(tensors);
  return tensors;
}

std::vector<SyntheticTensor> flux_tensors(const FluxDimensions& d) {
  const std::int64_t h = d.hidden;
  const std::int64_t mlp = d.hidden * d.mlp_ratio;
  std::vector<SyntheticTensor> tensors;
  for (int block = 0; block < d.double_blocks; ++block) {
    for (const std::string side : {"img", "txt"})
      add_double_block_side(tensors, d, block, side);
  }
  for (int block = 0; block < d.single_blocks; ++block) {
    const std::string prefix = "single_blocks." + std::to_string(block);
    add_linear(tensors, prefix + ".linear1", 3 * h + mlp, h);
    add_linear(tensors, prefix + ".linear2", h, h + mlp);
    add_qk_norm(tensors, prefix + ".norm", d.head_dim);
    add_linear(tensors, prefix + ".modulation.lin", 3 * h, h);
  }
  add_linear(tensors, "final_layer.adaLN_modulation.1", 2 * h, h);
  add_linear(tensors, "final_layer.linear", d.in_channels, h);
  add_linear(tensors, "img_in", h, d.in_channels);
  add_linear(tensors, "txt_in", h, d.context);
  add_linear(tensors, "time_in.in_layer", h, d.timestep_features);
  add_linear(tensors, "time_in.out_layer", h, h);
  add_linear(tensors, "guidance_in.in_layer", h, d.timestep_features);
  add_linear(tensors, "guidance_in.out_layer", h, h);
  add_linear(tensors, "vector_in.in_layer", h, d.pooled);
  add_linear(tensors, "vector_in.out_layer", h, h);
  sort_by_name(tensors);
  return tensors;
}

}  // namespace lrq::host
