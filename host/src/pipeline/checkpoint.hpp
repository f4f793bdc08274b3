// The model a run converts: one safetensors file, or a checkpoint sharded Hugging Face style
// (NAME-00001-of-00003.safetensors, ... with NAME.safetensors.index.json), read as one model. Each
// shard keeps its own memory-mapped reader, and the tensors come shard by shard, so streaming the
// model reads one shard after the other.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string_view>
#include <vector>

#include "lrq/safetensors.hpp"
#include "pipeline/watched_mapping.hpp"

namespace lrq::host {

class Checkpoint {
 public:
  // `path` is one of:
  // * a `.json` file: a shard index, whose shards must hold exactly the tensors its weight_map
  //   gives them;
  // * a directory: its one `*.safetensors.index.json`, or else its one `*.safetensors` file;
  // * any other file: one safetensors file. A shard (NAME-00002-of-00003.safetensors) is read
  //   alone, with a warning naming the shards left out.
  // Throws lrq::Error (input) naming the file, and the tensor or key at fault.
  explicit Checkpoint(const std::filesystem::path& path);

  // The file or index opened (for a directory, what was found in it).
  const std::filesystem::path& path() const noexcept { return path_; }
  // In the order of the index's shard names; one for a plain file.
  const std::vector<SafetensorsReader>& shards() const noexcept { return shards_; }
  // Every file read: the shards and the index.
  std::vector<std::filesystem::path> files() const;
  std::uint64_t file_size() const noexcept;  // of all shards

  // Shard by shard, each in the order of its data.
  const std::vector<const SafetensorsEntry*>& entries() const noexcept { return entries_; }
  const SafetensorsEntry* find(std::string_view name) const noexcept;
  TensorView view(const SafetensorsEntry& entry) const noexcept;
  // As SafetensorsReader::release.
  void release(const SafetensorsEntry& entry) const noexcept;

  // The first shard's `__metadata__` (every shard of a sharded lrq output has the same).
  const Metadata& metadata() const noexcept { return shards_.front().metadata(); }
  const std::filesystem::path& metadata_file() const noexcept { return shards_.front().path(); }

 private:
  void open_index(const std::filesystem::path& index);
  void collect_entries();
  const SafetensorsReader& shard_of(const SafetensorsEntry& entry) const noexcept;

  std::filesystem::path path_;
  bool indexed_ = false;
  std::vector<SafetensorsReader> shards_;
  std::vector<std::unique_ptr<WatchedMapping>> watched_;  // the shards' tensor data
  std::vector<const SafetensorsEntry*> entries_;
};

}  // namespace lrq::host
