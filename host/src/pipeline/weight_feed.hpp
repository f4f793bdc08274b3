// The weights of the quantized layers, and their activation statistics, read from the memory maps
// and uploaded in the order the conversion needs them. Ahead of time, a prefetch thread uploads the
// next layer while the current one is converted: at most one layer waits uploaded (it starts
// reading only once there is room). Otherwise each weight is read and uploaded when asked for.
#pragma once

#include <optional>
#include <thread>
#include <vector>

#include "lrq/backend.hpp"
#include "pipeline/bounded_queue.hpp"
#include "pipeline/checkpoint.hpp"
#include "pipeline/conversion_plan.hpp"
#include "pipeline/first_failure.hpp"

namespace lrq::host {

struct FedWeight {
  const TensorPlan* layer = nullptr;
  DeviceTensor weight;                       // as uploaded, in the input's dtype
  std::optional<FetchedStatistics> inputs;   // where the layer has activation statistics
  std::optional<FetchedStatistics> holdout;  // and held-out ones
};

class WeightFeed {
 public:
  // `layers`: the quantized weights in the order next() will be asked for them.
  WeightFeed(const Checkpoint& input, std::vector<const TensorPlan*> layers, Backend& backend,
             bool ahead, FirstFailure& failure);
  ~WeightFeed();  // stops the run if it did not take every layer, and waits for the thread
  WeightFeed(const WeightFeed&) = delete;
  WeightFeed& operator=(const WeightFeed&) = delete;

  // The next layer's weight; empty when the run was stopped.
  std::optional<FedWeight> next();

 private:
  FedWeight fetch(const TensorPlan& layer) const;
  void prefetch_all();

  const Checkpoint& input_;
  const std::vector<const TensorPlan*> layers_;
  Backend& backend_;
  FirstFailure& failure_;
  std::size_t taken_ = 0;  // layers next() has handed out
  BoundedQueue<FedWeight> ready_;
  std::jthread prefetcher_;  // last: it uses everything above
};

}  // namespace lrq::host
