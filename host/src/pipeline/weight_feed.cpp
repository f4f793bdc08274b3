#include "pipeline/weight_feed.hpp"

#include "lrq/error.hpp"
#include "lrq/stages.hpp"
#include "pipeline/mapped_read.hpp"

namespace lrq::host {

WeightFeed::WeightFeed(const Checkpoint& input, std::vector<const TensorPlan*> layers,
                       Backend& backend, bool ahead, FirstFailure& failure)
    : input_(input),
      layers_(std::move(layers)),
      backend_(backend),
      failure_(failure),
      ready_(1, failure.stop_token()) {
  if (ahead) prefetcher_ = std::jthread([this] { failure_.run([this] { prefetch_all(); }); });
}

WeightFeed::~WeightFeed() {
  // Abandoned before its last layer: the thread may be waiting for room.
  if (taken_ < layers_.size()) failure_.stop();
}

std::optional<FedWeight> WeightFeed::next() {
  if (taken_ == layers_.size()) {
    throw Error(ErrorCategory::internal, "asked for more weights than there are layers");
  }
  std::optional<FedWeight> fed =
      prefetcher_.joinable() ? ready_.pop() : std::optional(fetch(*layers_[taken_]));
  if (fed) ++taken_;
  return fed;
}

FedWeight WeightFeed::fetch(const TensorPlan& layer) const {
  const TensorView bytes = read_mapped(input_.view(*layer.entry));
  FedWeight fed;
  fed.layer = &layer;
  {
    const StageScope stage(Stage::upload);
    fed.weight = backend_.upload(bytes);
  }
  // Its bytes are not written: only what the layer makes of them.
  input_.release(*layer.entry);
  if (layer.inputs) fed.inputs = fetch_statistics(backend_, layer.inputs);
  if (layer.holdout) fed.holdout = fetch_statistics(backend_, layer.holdout);
  return fed;
}

void WeightFeed::prefetch_all() {
  for (const TensorPlan* layer : layers_) {
    if (!ready_.wait_for_room() || !ready_.push(fetch(*layer))) return;
  }
  ready_.close();
}

}  // namespace lrq::host
