// The files a conversion writes: one safetensors file, or shards and their index, all staged
// (staged_files.hpp): the run commits them with the rest of what it writes, the commit point (the
// file, or the index) last.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "pipeline/checkpoint.hpp"
#include "pipeline/conversion_plan.hpp"
#include "pipeline/output_shards.hpp"
#include "pipeline/staged_files.hpp"

namespace lrq::host {

class OutputFiles {
 public:
  // Staged for `staged`, whose commit point is output_commit_point(the output, shard_size):
  // `shard_size` 0, one file; otherwise shards of at most that many bytes of tensors beside it
  // (output_shards.hpp). Throws lrq::Error (usage) when a file to write is one of `input`'s.
  OutputFiles(StagedFiles& staged, const ConversionPlan& plan, const Metadata& metadata,
              const Checkpoint& input, std::uint64_t shard_size);

  OutputFiles(const OutputFiles&) = delete;
  OutputFiles& operator=(const OutputFiles&) = delete;

  // The next tensor of the plan.
  void write(std::string_view name, std::span<const std::byte> bytes);
  // Every tensor written: completes the staged shards and writes the staged index.
  void finish();

  // What to open: the one file, or the index.
  const std::filesystem::path& path() const noexcept { return path_; }
  std::uint64_t bytes() const;  // on disk, after finish()

 private:
  StagedFiles& staged_;
  std::filesystem::path path_;
  std::vector<OutputShard> shards_;
  bool sharded_ = false;
  std::filesystem::path staged_index_;
  std::vector<std::unique_ptr<SafetensorsWriter>> writers_;
  std::size_t current_ = 0;  // the shard being written
  std::size_t written_ = 0;  // tensors of it written
};

}  // namespace lrq::host
