#include "pipeline/output_writer.hpp"

#include <chrono>

#include "lrq/stages.hpp"
#include "pipeline/mapped_read.hpp"

namespace lrq::host {

OutputWriter::OutputWriter(const Checkpoint& input, const ConversionPlan& plan, OutputFiles& writer,
                           ConversionProgress* progress, bool behind, FirstFailure& failure)
    : input_(input),
      writer_(writer),
      progress_(progress),
      failure_(failure),
      tensors_total_(plan.tensors.size()),
      waiting_(1, failure.stop_token()) {
  for (const TensorPlan& tensor : plan.tensors)
    bytes_total_ += tensor.entry->info.bytes();
  outcomes_.reserve(tensors_total_);
  if (behind) writer_thread_ = std::jthread([this] { failure_.run([this] { write_all(); }); });
}

OutputWriter::~OutputWriter() {
  if (!finished_) failure_.stop();
}

bool OutputWriter::write(WriteBatch batch) {
  if (writer_thread_.joinable()) return waiting_.push(std::move(batch));
  write_batch(batch);
  return true;
}

std::vector<LayerOutcome> OutputWriter::finish() {
  finished_ = true;
  if (writer_thread_.joinable()) {
    waiting_.close();
    writer_thread_.join();
  } else {
    const StageScope stage(Stage::write);
    writer_.finish();
  }
  failure_.rethrow();
  return std::move(outcomes_);
}

void OutputWriter::write_all() {
  while (std::optional<WriteBatch> batch = waiting_.pop())
    write_batch(*batch);
  if (failure_.stopped()) return;
  const StageScope stage(Stage::write);
  writer_.finish();
}

void OutputWriter::write_batch(WriteBatch& batch) {
  for (TensorWrite& tensor : batch)
    write_tensor(tensor);
}

void OutputWriter::write_tensor(TensorWrite& tensor) {
  const auto start = std::chrono::steady_clock::now();
  const SafetensorsEntry& entry = *tensor.tensor->entry;
  for (const TensorInfo& output : tensor.tensor->outputs) {
    const auto made = tensor.made.find(output.name);
    const std::span<const std::byte> bytes = made != tensor.made.end()
                                                 ? std::span<const std::byte>(made->second)
                                                 : read_mapped(input_.view(entry)).bytes;
    const StageScope stage(Stage::write);
    writer_.write(output.name, bytes);
  }
  input_.release(entry);
  tensor.outcome.seconds +=
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  bytes_done_ += entry.info.bytes();
  outcomes_.push_back(std::move(tensor.outcome));
  if (progress_ != nullptr) {
    progress_->tensor_done(outcomes_.back(), outcomes_.size(), tensors_total_, bytes_done_,
                           bytes_total_);
  }
}

}  // namespace lrq::host
