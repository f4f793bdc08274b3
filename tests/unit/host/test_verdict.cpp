// The verdict per optimizer: layers counted better, equal or worse than round-to-nearest (ratios
// within the float-noise tolerance are equal), the mean and worst ratios, and the warning.
#include <gtest/gtest.h>

#include "pipeline/verdict.hpp"

namespace lrq::host {
namespace {

LayerOutcome learned_layer(const std::string& optimizer, double ratio, bool written,
                           InputSource decided_on = InputSource::statistics) {
  LayerOutcome layer;
  layer.action = LayerAction::quantize;
  layer.optimizer_label = optimizer;
  layer.learned_rounding = true;
  layer.learned_written = written;
  layer.decided_on = decided_on;
  layer.learned_ratio = ratio;
  return layer;
}

TEST(VersusRtn, RatiosWithinTheToleranceOfOneAreEqual) {
  EXPECT_EQ(versus_rtn(0.5), VersusRtn::better);
  EXPECT_EQ(versus_rtn(1.0 - 2e-6), VersusRtn::better);
  EXPECT_EQ(versus_rtn(0.99999996), VersusRtn::equal);
  EXPECT_EQ(versus_rtn(1.0), VersusRtn::equal);
  EXPECT_EQ(versus_rtn(1.0 + 5e-7), VersusRtn::equal);
  EXPECT_EQ(versus_rtn(1.0 + 2e-6), VersusRtn::worse);
}

TEST(Verdict, CountsAndAveragesPerOptimizerInTheOrderTheyAppear) {
  LayerOutcome kept;
  kept.action = LayerAction::keep;
  LayerOutcome rounded_to_nearest;
  rounded_to_nearest.action = LayerAction::quantize;
  const std::vector<LayerOutcome> layers = {
      learned_layer("gptq", 0.5, true),
      kept,
      learned_layer("original", 1.02, false, InputSource::synthetic),
      learned_layer("gptq", 0.7, true),
      rounded_to_nearest,
      learned_layer("gptq", 0.99999996, false),
  };
  const std::vector<OptimizerVerdict> found = verdicts(layers);
  ASSERT_EQ(found.size(), 2u);
  const OptimizerVerdict& gptq = found[0];
  EXPECT_EQ(gptq.optimizer, "gptq");
  EXPECT_EQ(gptq.layers, 3u);
  EXPECT_EQ(gptq.better, 2u);
  EXPECT_EQ(gptq.equal, 1u);
  EXPECT_EQ(gptq.worse, 0u);
  EXPECT_EQ(gptq.learned_written, 2u);
  EXPECT_NEAR(gptq.ratio.mean, (0.5 + 0.7 + 0.99999996) / 3.0, 1e-12);
  EXPECT_DOUBLE_EQ(gptq.ratio.worst, 0.99999996);
  EXPECT_TRUE(gptq.paid());
  EXPECT_EQ(verdict_line(gptq),
            "gptq: 2 of 3 layers better than RTN, 1 equal, 0 worse on the activation "
            "statistics; mean 0.733x, worst 1.000x; learned rounding written for 2");

  const OptimizerVerdict& original = found[1];
  EXPECT_EQ(original.worse, 1u);
  EXPECT_FALSE(original.paid());
  EXPECT_EQ(did_not_pay_warning(original),
            "learned rounding with 'original' did not pay: 0 of 1 layers beat round-to-nearest "
            "(mean 1.020x); round-to-nearest was written for 1. Without activation statistics "
            "round-to-nearest is the best rounding there is for the expected output error; "
            "record statistics (lrq_capture) and use gptq");
}

TEST(Verdict, OnlyNoiseLevelGainsDoNotPay) {
  const std::vector<LayerOutcome> layers = {
      learned_layer("original", 0.9999999, false, InputSource::synthetic),
      learned_layer("original", 1.0000001, false, InputSource::synthetic),
  };
  const OptimizerVerdict verdict = verdicts(layers).at(0);
  EXPECT_EQ(verdict.better, 0u);
  EXPECT_EQ(verdict.equal, 2u);
  EXPECT_FALSE(verdict.paid());
}

}  // namespace
}  // namespace lrq::host
