// Writes the output files in plan order and finishes them (they stay staged). Behind the
// conversion, a writer thread writes one layer's tensors while the next layer is converted: at most
// one batch waits for it. Otherwise each batch is written when handed over. The output files are
// used by one thread only, and the progress display is told from there.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "pipeline/bounded_queue.hpp"
#include "pipeline/checkpoint.hpp"
#include "pipeline/converter.hpp"
#include "pipeline/first_failure.hpp"
#include "pipeline/output_files.hpp"

namespace lrq::host {

// One tensor of the plan, ready to be written: the bytes the conversion made for its outputs (by
// name); an output not among them is the input's own tensor, copied.
struct TensorWrite {
  const TensorPlan* tensor = nullptr;
  LayerOutcome outcome;  // the write adds its time to outcome.seconds
  std::map<std::string, std::vector<std::byte>> made;
};
// The tensors between one layer's conversion and the next, in plan order.
using WriteBatch = std::vector<TensorWrite>;

class OutputWriter {
 public:
  OutputWriter(const Checkpoint& input, const ConversionPlan& plan, OutputFiles& writer,
               ConversionProgress* progress, bool behind, FirstFailure& failure);
  ~OutputWriter();  // stops the run if finish() was not called, and waits for the thread
  OutputWriter(const OutputWriter&) = delete;
  OutputWriter& operator=(const OutputWriter&) = delete;

  // False when the run was stopped.
  bool write(WriteBatch batch);
  // After the last batch: writes what waits, finishes the files, and returns the outcome of every
  // tensor in plan order. Throws the run's first failure.
  std::vector<LayerOutcome> finish();

 private:
  void write_batch(WriteBatch& batch);
  void write_tensor(TensorWrite& tensor);
  void write_all();

  const Checkpoint& input_;
  OutputFiles& writer_;
  ConversionProgress* progress_;
  FirstFailure& failure_;
  const std::size_t tensors_total_;
  std::uint64_t bytes_total_ = 0;
  std::uint64_t bytes_done_ = 0;
  std::vector<LayerOutcome> outcomes_;
  bool finished_ = false;
  BoundedQueue<WriteBatch> waiting_;
  std::jthread writer_thread_;  // last: it uses everything above
};

}  // namespace lrq::host
