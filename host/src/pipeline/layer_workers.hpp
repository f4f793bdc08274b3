// The quantized layers converted on several backends at once (`backend.devices`): worker i of n
// takes layers i, i + n, i + 2n, ... of the conversion order on its own thread, with its own
// backend, weight feed and calibration inputs, and hands each over in order. A worker finishes at
// most one layer ahead of the one the caller waits for, so the memory a run holds grows with the
// number of workers, not with the model.
#pragma once

#include <memory>
#include <span>
#include <thread>
#include <vector>

#include "pipeline/bounded_queue.hpp"
#include "pipeline/layer_source.hpp"

namespace lrq::host {

class LayerWorkers final : public LayerSource {
 public:
  LayerWorkers(const Checkpoint& input, const std::vector<const TensorPlan*>& order,
               std::span<Backend* const> backends, const ConversionSettings& settings,
               FirstFailure& failure);
  ~LayerWorkers()
      override;  // stops the run if not every layer was taken, and waits for the workers
  LayerWorkers(const LayerWorkers&) = delete;
  LayerWorkers& operator=(const LayerWorkers&) = delete;

  std::optional<ConvertedLayer> next(const TensorPlan& layer) override;

 private:
  struct Worker {
    Worker(const Checkpoint& input, std::vector<const TensorPlan*> share, Backend& backend,
           const ConversionSettings& settings, FirstFailure& failure);
    void run();

    std::vector<const TensorPlan*> layers;
    LayerConverter converter;
    BoundedQueue<ConvertedLayer> done;
  };

  FirstFailure& failure_;
  const std::vector<const TensorPlan*> order_;
  std::size_t taken_ = 0;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::jthread> threads_;  // last: they use the workers
};

}  // namespace lrq::host
