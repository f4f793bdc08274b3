#include "pipeline/output_files.hpp"

#include "lrq/error.hpp"
#include "pipeline/json_file.hpp"
#include "pipeline/output_check.hpp"

namespace lrq::host {
namespace fs = std::filesystem;

OutputFiles::OutputFiles(const fs::path& output, const ConversionPlan& plan,
                         const Metadata& metadata, const Checkpoint& input,
                         std::uint64_t shard_size)
    : path_(shard_size == 0 ? output : shard_index_path(output)), sharded_(shard_size != 0) {
  if (sharded_) {
    shards_ = plan_output_shards(output, plan, shard_size);
    refuse_overwriting_input(path_, input);
  } else {
    shards_.push_back({output, plan.outputs()});
  }
  for (const OutputShard& shard : shards_)
    refuse_overwriting_input(shard.path, input);
  // No signal may fall between creating a temporary file and arming its cleanup.
  const InterruptsHeldBack held_back;
  std::vector<fs::path> temporary;
  for (const OutputShard& shard : shards_) {
    writers_.push_back(std::make_unique<SafetensorsWriter>(shard.path, shard.tensors, metadata));
    temporary.push_back(writers_.back()->temporary_path());
  }
  cleanup_.emplace(temporary);
}

OutputFiles::~OutputFiles() {
  if (done_) return;
  for (std::size_t shard = 0; shard < committed_; ++shard) {
    std::error_code error;
    fs::remove(shards_[shard].path, error);
  }
}

void OutputFiles::write(std::string_view name, std::span<const std::byte> bytes) {
  if (written_ == shards_[current_].tensors.size() && current_ + 1 < writers_.size()) {
    ++current_;
    written_ = 0;
  }
  writers_[current_]->write(name, bytes);
  ++written_;
}

void OutputFiles::commit() {
  if (sharded_) {
    // From the first rename on, an interruption removes the whole new output.
    std::vector<fs::path> committed = {path_};
    for (const OutputShard& shard : shards_)
      committed.push_back(shard.path);
    cleanup_->add(committed);
  }
  for (const std::unique_ptr<SafetensorsWriter>& writer : writers_) {
    writer->commit();
    ++committed_;
  }
  if (sharded_) write_json_file(path_, shard_index_json(shards_), "the shard index");
  done_ = true;
  cleanup_.reset();
}

std::uint64_t OutputFiles::bytes() const {
  std::uint64_t total = 0;
  for (const OutputShard& shard : shards_)
    total += fs::file_size(shard.path);
  return total;
}

}  // namespace lrq::host
