#include "pipeline/output_shards.hpp"

#include <string_view>

#include "pipeline/shard_index.hpp"

namespace lrq::host {
namespace {

constexpr std::string_view kSafetensorsSuffix = ".safetensors";

}  // namespace

std::string output_stem(const std::filesystem::path& output) {
  std::string name = output.filename().string();
  for (std::string_view suffix : {kShardIndexSuffix, kSafetensorsSuffix}) {
    if (name.size() > suffix.size() && name.ends_with(suffix)) {
      return name.substr(0, name.size() - suffix.size());
    }
  }
  return name;
}

std::filesystem::path shard_index_path(const std::filesystem::path& output) {
  return output.parent_path() / (output_stem(output) + std::string(kShardIndexSuffix));
}

std::filesystem::path output_commit_point(const std::filesystem::path& output,
                                          std::uint64_t shard_size) {
  return shard_size == 0 ? output : shard_index_path(output);
}

std::vector<OutputShard> plan_output_shards(const std::filesystem::path& output,
                                            const ConversionPlan& plan, std::uint64_t shard_size) {
  std::vector<OutputShard> shards;
  std::uint64_t filled = 0;
  for (const TensorPlan& tensor : plan.tensors) {
    if (tensor.outputs.empty()) continue;
    std::uint64_t bytes = 0;
    for (const TensorInfo& info : tensor.outputs)
      bytes += info.bytes();
    if (shards.empty() || (filled > 0 && filled + bytes > shard_size)) {
      shards.emplace_back();
      filled = 0;
    }
    shards.back().tensors.insert(shards.back().tensors.end(), tensor.outputs.begin(),
                                 tensor.outputs.end());
    filled += bytes;
  }
  if (shards.empty()) shards.emplace_back();  // a model without tensors is one empty shard
  const std::string stem = output_stem(output);
  for (std::size_t i = 0; i < shards.size(); ++i) {
    shards[i].path = output.parent_path() / shard_file_name(stem, i + 1, shards.size());
  }
  return shards;
}

nlohmann::ordered_json shard_index_json(const std::vector<OutputShard>& shards) {
  std::uint64_t total_size = 0;
  nlohmann::json weight_map = nlohmann::json::object();  // sorted, as Hugging Face writes it
  for (const OutputShard& shard : shards) {
    for (const TensorInfo& tensor : shard.tensors) {
      total_size += tensor.bytes();
      weight_map[tensor.name] = shard.path.filename().string();
    }
  }
  return {{"metadata", {{"total_size", total_size}}},
          {"weight_map", nlohmann::ordered_json(weight_map)}};
}

}  // namespace lrq::host
