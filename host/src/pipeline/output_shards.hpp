// How a sharded output is laid out, Hugging Face style: NAME-00001-of-00003.safetensors, ... and
// NAME.safetensors.index.json for the output NAME.safetensors.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "pipeline/conversion_plan.hpp"

namespace lrq::host {

struct OutputShard {
  std::filesystem::path path;
  std::vector<TensorInfo> tensors;  // in plan order
};

// "NAME" of the output NAME.safetensors or NAME.safetensors.index.json; any other name whole.
std::string output_stem(const std::filesystem::path& output);

// The index of the sharded output `output` (NAME.safetensors, or the index's own name).
std::filesystem::path shard_index_path(const std::filesystem::path& output);

// The file whose rename commits the output: `output` itself, or with shards (`shard_size` not 0)
// their index.
std::filesystem::path output_commit_point(const std::filesystem::path& output,
                                          std::uint64_t shard_size);

// The plan's outputs in shards of at most `shard_size` bytes of tensor data, in plan order. The
// outputs of one input tensor (a weight and its scales) stay together; alone they may exceed it.
std::vector<OutputShard> plan_output_shards(const std::filesystem::path& output,
                                            const ConversionPlan& plan, std::uint64_t shard_size);

// {"metadata": {"total_size": bytes of tensor data}, "weight_map": {tensor: shard file name}}.
nlohmann::ordered_json shard_index_json(const std::vector<OutputShard>& shards);

}  // namespace lrq::host
