#include "pipeline/layer_workers.hpp"

#include "lrq/error.hpp"
#include "lrq/quoted.hpp"

namespace lrq::host {
namespace {

// Layers worker, worker + count, worker + 2 count, ... of `order`.
std::vector<const TensorPlan*> share_of(const std::vector<const TensorPlan*>& order,
                                        std::size_t worker, std::size_t count) {
  std::vector<const TensorPlan*> share;
  for (std::size_t i = worker; i < order.size(); i += count)
    share.push_back(order[i]);
  return share;
}

}  // namespace

LayerWorkers::Worker::Worker(const Checkpoint& input, std::vector<const TensorPlan*> share,
                             Backend& backend, const ConversionSettings& settings,
                             FirstFailure& failure)
    : layers(std::move(share)),
      converter(input, layers, backend, settings, failure),
      done(1, failure.stop_token()) {}

void LayerWorkers::Worker::run() {
  for (const TensorPlan* layer : layers) {
    std::optional<ConvertedLayer> converted = converter.next(*layer);
    if (!converted || !done.push(std::move(*converted))) return;
  }
  done.close();
}

LayerWorkers::LayerWorkers(const Checkpoint& input, const std::vector<const TensorPlan*>& order,
                           std::span<Backend* const> backends, const ConversionSettings& settings,
                           FirstFailure& failure)
    : failure_(failure), order_(order) {
  for (std::size_t i = 0; i < backends.size(); ++i) {
    workers_.push_back(std::make_unique<Worker>(input, share_of(order, i, backends.size()),
                                                *backends[i], settings, failure));
  }
  try {
    for (const std::unique_ptr<Worker>& worker : workers_) {
      threads_.emplace_back([this, &worker = *worker] { failure_.run([&] { worker.run(); }); });
    }
  } catch (...) {
    failure_.stop();  // the workers already started must not wait for a reader that never comes
    throw;
  }
}

LayerWorkers::~LayerWorkers() {
  // Abandoned before the last layer: a worker may be waiting for room.
  if (taken_ < order_.size()) failure_.stop();
}

std::optional<ConvertedLayer> LayerWorkers::next(const TensorPlan& layer) {
  if (taken_ == order_.size() || order_[taken_] != &layer) {
    throw Error(ErrorCategory::internal, "layer " + in_quotes(layer.entry->info.name) +
                                             " asked for out of the conversion order");
  }
  std::optional<ConvertedLayer> converted = workers_[taken_ % workers_.size()]->done.pop();
  if (!converted) return std::nullopt;
  ++taken_;
  return converted;
}

}  // namespace lrq::host
