// The files a conversion writes: one safetensors file, or shards and their index. Every file is
// written to a temporary file first; the shards are renamed only once all are written, and the
// index last, so a failed or interrupted run leaves nothing behind.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "pipeline/checkpoint.hpp"
#include "pipeline/conversion_plan.hpp"
#include "pipeline/interrupt_cleanup.hpp"
#include "pipeline/output_shards.hpp"

namespace lrq::host {

class OutputFiles {
 public:
  // `shard_size` 0: one file at `output`; otherwise shards of at most that many bytes of tensors
  // beside it (output_shards.hpp). Throws lrq::Error (usage) when a file to write is one of
  // `input`'s.
  OutputFiles(const std::filesystem::path& output, const ConversionPlan& plan,
              const Metadata& metadata, const Checkpoint& input, std::uint64_t shard_size);
  ~OutputFiles();  // without commit(): removes what was written

  OutputFiles(const OutputFiles&) = delete;
  OutputFiles& operator=(const OutputFiles&) = delete;

  // The next tensor of the plan.
  void write(std::string_view name, std::span<const std::byte> bytes);
  // Every tensor written: commits the shards, then writes the index.
  void commit();

  // What to open: the one file, or the index.
  const std::filesystem::path& path() const noexcept { return path_; }
  std::uint64_t bytes() const;  // on disk, after commit()

 private:
  std::filesystem::path path_;
  std::vector<OutputShard> shards_;
  bool sharded_ = false;
  std::vector<std::unique_ptr<SafetensorsWriter>> writers_;
  std::size_t current_ = 0;  // the shard being written
  std::size_t written_ = 0;  // tensors of it written
  std::size_t committed_ = 0;
  bool done_ = false;
  std::optional<InterruptCleanup> cleanup_;
};

}  // namespace lrq::host
