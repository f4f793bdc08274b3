// The index of a checkpoint sharded Hugging Face style, `NAME.safetensors.index.json`:
// {"metadata": {"total_size": N}, "weight_map": {"tensor": "NAME-00001-of-00002.safetensors",
// ...}}. It is checked like a safetensors header before any shard is opened.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lrq::host {

inline constexpr std::string_view kShardIndexSuffix = ".safetensors.index.json";

struct ShardIndex {
  std::filesystem::path path;
  std::map<std::string, std::string> weight_map;  // tensor -> shard file, relative to the index
  std::vector<std::string> shards;                // every file the weight_map names, sorted
  std::optional<std::uint64_t> total_size;        // metadata.total_size, where given
};

// "NAME-00002-of-00003.safetensors": shard `number` of `count`, with five-digit numbers as Hugging
// Face writes them.
std::string shard_file_name(const std::string& stem, std::size_t number, std::size_t count);

struct ShardFileName {
  std::string stem;
  std::size_t number = 0;
  std::size_t count = 0;
};

// The parts of a name that shard_file_name could have made; nothing for a name of another shape.
std::optional<ShardFileName> parse_shard_file_name(std::string_view name);

// Throws lrq::Error (input) naming the file and the key at fault: not JSON, duplicate keys, no
// `weight_map` object of strings, an empty one, or a shard file name that is absolute or climbs
// out of the index's directory with "..".
ShardIndex read_shard_index(const std::filesystem::path& path);

}  // namespace lrq::host
