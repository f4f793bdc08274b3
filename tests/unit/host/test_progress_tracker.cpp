// Where a conversion stands, told through its progress callbacks at chosen times: the estimate of
// the time left comes from the quantized layers' work only, and only once there is evidence.
#include <gtest/gtest.h>

#include "cli/progress_tracker.hpp"

namespace lrq::host {
namespace {

using Clock = ProgressTracker::Clock;
using std::chrono::milliseconds;

const Clock::time_point t0 = Clock::time_point{} + std::chrono::hours(1);

Clock::time_point at(double seconds) {
  return t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

// A F32 weight of `elements` elements: 4 bytes each.
TensorInfo weight(const std::string& name, std::int64_t elements) {
  return {name + ".weight", DType::F32, {elements}};
}

LayerOutcome written(const TensorInfo& tensor, LayerAction action) {
  LayerOutcome outcome;
  outcome.tensor = tensor;
  outcome.action = action;
  return outcome;
}

// Four layers of 100, 100, 100 and 300 bytes: 600 in all.
class ProgressTrackerTest : public ::testing::Test {
 protected:
  const std::vector<TensorInfo> layers_ = {weight("a", 25), weight("b", 25), weight("c", 25),
                                           weight("d", 75)};
  ProgressTracker tracker_{t0};

  void start(std::size_t index, double seconds) {
    std::uint64_t before = 0;
    for (std::size_t i = 0; i < index; ++i)
      before += layers_[i].bytes();
    tracker_.layer_started({layers_[index], index, layers_.size(), before, 600}, at(seconds));
  }
};

TEST_F(ProgressTrackerTest, NoEstimateBeforeALayerIsConverted) {
  // A large kept tensor copied fast must not make a guess: the old display said "1684m49s left".
  const TensorInfo kept{"big.bias", DType::F32, {1'000'000}};
  tracker_.tensor_done(written(kept, LayerAction::keep), 1, 10, kept.bytes(), kept.bytes() * 2);
  start(0, 0.5);
  EXPECT_FALSE(tracker_.snapshot(at(30.0)).seconds_left);
  EXPECT_EQ(tracker_.snapshot(at(30.0)).layers_done, 0u);
}

TEST_F(ProgressTrackerTest, NoEstimateInTheFirstSecondOfConversion) {
  start(0, 0.0);
  start(1, 0.2);
  EXPECT_FALSE(tracker_.snapshot(at(0.9)).seconds_left);
  EXPECT_TRUE(tracker_.snapshot(at(1.0)).seconds_left);
}

TEST_F(ProgressTrackerTest, EstimatesFromLayersAndWeightBytesAlike) {
  start(0, 1.0);
  start(1, 3.0);
  // Done: 1 of 4 layers and 100 of 600 bytes; (1/4 + 1/6) / 2 = 5/24 of the work in 2 s.
  const ProgressSnapshot snapshot = tracker_.snapshot(at(3.0));
  ASSERT_TRUE(snapshot.seconds_left);
  EXPECT_NEAR(*snapshot.seconds_left, 2.0 * (19.0 / 24.0) / (5.0 / 24.0), 1e-9);
  EXPECT_EQ(snapshot.layers_done, 1u);
  EXPECT_EQ(snapshot.layers_total, 4u);
  EXPECT_NEAR(snapshot.elapsed, 3.0, 1e-9);
}

TEST_F(ProgressTrackerTest, KeptTensorsDoNotMoveTheEstimate) {
  start(0, 0.0);
  start(1, 2.0);
  const double before = *tracker_.snapshot(at(4.0)).seconds_left;
  const TensorInfo kept{"norm.scale", DType::F32, {1'000'000}};
  tracker_.tensor_done(written(kept, LayerAction::keep), 1, 8, kept.bytes(), 8'000'000);
  EXPECT_DOUBLE_EQ(*tracker_.snapshot(at(4.0)).seconds_left, before);
}

TEST_F(ProgressTrackerTest, NamesTheLayerBeingConvertedAndForHowLong) {
  start(0, 0.0);
  start(1, 1.0);
  const ProgressSnapshot snapshot = tracker_.snapshot(at(13.5));
  ASSERT_TRUE(snapshot.converting);
  EXPECT_EQ(snapshot.converting->name, "b");
  EXPECT_EQ(snapshot.converting->number, 2u);
  EXPECT_NEAR(snapshot.converting->seconds, 12.5, 1e-9);
}

TEST_F(ProgressTrackerTest, TheWriterCountsLayersTheConversionThreadHasNotReported) {
  for (std::size_t i = 0; i < layers_.size(); ++i)
    start(i, static_cast<double>(i));
  std::uint64_t bytes = 0;
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    bytes += layers_[i].bytes();
    EXPECT_TRUE(tracker_.tensor_done(written(layers_[i], LayerAction::quantize), i + 1, 5, bytes,
                                     bytes + 40));
  }
  const ProgressSnapshot snapshot = tracker_.snapshot(at(10.0));
  EXPECT_EQ(snapshot.layers_done, 4u);
  EXPECT_FALSE(snapshot.converting) << "the last layer is written";
  EXPECT_NEAR(*snapshot.seconds_left, 0.0, 1e-9) << "all the quantization work is done";
  EXPECT_FALSE(tracker_.finished());
}

TEST_F(ProgressTrackerTest, FinishedWhenEveryTensorIsWritten) {
  const TensorInfo kept{"norm.scale", DType::F32, {10}};
  EXPECT_FALSE(tracker_.tensor_done(written(kept, LayerAction::keep), 1, 1, 40, 40));
  EXPECT_TRUE(tracker_.finished());
  const ProgressSnapshot snapshot = tracker_.snapshot(at(2.0));
  EXPECT_EQ(snapshot.bytes_done, 40u);
  EXPECT_EQ(snapshot.bytes_total, 40u);
  EXPECT_EQ(*snapshot.seconds_left, 0.0);
}

}  // namespace
}  // namespace lrq::host
