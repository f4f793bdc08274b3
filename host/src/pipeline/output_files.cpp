#include "pipeline/output_files.hpp"

#include "lrq/error.hpp"
#include "pipeline/json_file.hpp"
#include "pipeline/output_check.hpp"

namespace lrq::host {
namespace fs = std::filesystem;

OutputFiles::OutputFiles(StagedFiles& staged, const ConversionPlan& plan, const Metadata& metadata,
                         const Checkpoint& input, std::uint64_t shard_size)
    : staged_(staged), path_(staged.commit_point()), sharded_(shard_size != 0) {
  if (sharded_) {
    shards_ = plan_output_shards(path_, plan, shard_size);
    refuse_overwriting_input(path_, input);
    staged_index_ = staged_.stage(path_);
  } else {
    shards_.push_back({path_, plan.outputs()});
  }
  for (const OutputShard& shard : shards_)
    refuse_overwriting_input(shard.path, input);
  // No signal may fall between creating a temporary file and arming its removal.
  const InterruptsHeldBack held_back;
  std::vector<fs::path> temporary;
  for (const OutputShard& shard : shards_) {
    const fs::path file = staged_.stage(shard.path);
    writers_.push_back(std::make_unique<SafetensorsWriter>(file, shard.tensors, metadata));
    temporary.push_back(writers_.back()->temporary_path());
  }
  staged_.guard(temporary);
}

void OutputFiles::write(std::string_view name, std::span<const std::byte> bytes) {
  if (written_ == shards_[current_].tensors.size() && current_ + 1 < writers_.size()) {
    ++current_;
    written_ = 0;
  }
  writers_[current_]->write(name, bytes);
  ++written_;
}

void OutputFiles::finish() {
  for (const std::unique_ptr<SafetensorsWriter>& writer : writers_)
    writer->commit();
  if (sharded_) write_json_file(staged_index_, shard_index_json(shards_), "the shard index");
}

std::uint64_t OutputFiles::bytes() const {
  std::uint64_t total = 0;
  for (const std::unique_ptr<SafetensorsWriter>& writer : writers_)
    total += fs::file_size(writer->output());
  return total;
}

}  // namespace lrq::host
