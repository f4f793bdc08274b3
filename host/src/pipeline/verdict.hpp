// Did learned rounding pay? Per optimizer (with its options), over the layers it rounded: how
// many came out better than round-to-nearest, equal or worse on the expected output error the
// run decided on, the mean and worst ratio to round-to-nearest, how many were written, and the
// same ratios on the held-out statistics where the run has them.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "pipeline/converter.hpp"

namespace lrq::host {

struct RatioSummary {
  std::size_t layers = 0;
  double mean = kNotComputed;
  double worst = kNotComputed;
};

struct OptimizerVerdict {
  std::string optimizer;       // its label, e.g. "gptq" or "original(num_iter=200)"
  std::string optimizer_name;  // the plugin: "original"
  InputSource decided_on = InputSource::none;
  std::size_t layers = 0;
  std::size_t better = 0;
  std::size_t equal = 0;
  std::size_t worse = 0;
  std::size_t learned_written = 0;
  RatioSummary ratio;     // learned / RTN expected output error on decided_on
  RatioSummary held_out;  // learned / RTN output error on the held-out statistics
  // Learned rounding paid: some layer better than round-to-nearest, and better on average
  // (versus_rtn of the mean ratio).
  bool paid() const noexcept;
};

// In the order the optimizers first appear in `layers`.
std::vector<OptimizerVerdict> verdicts(const std::vector<LayerOutcome>& layers);

// "gptq: 5 of 5 layers better than RTN, 0 equal, 0 worse on the activation statistics; mean
// 0.612x, worst 0.701x; learned rounding written for 5; held out (5 layers): mean 0.630x, worst
// 0.720x"
std::string verdict_line(const OptimizerVerdict& verdict);

// The warning for a verdict that did not pay: "learned rounding with 'original' did not pay: 3 of
// 36 layers beat round-to-nearest (mean 1.029x); round-to-nearest was written for 33", and
// without statistics what to do instead.
std::string did_not_pay_warning(const OptimizerVerdict& verdict);

}  // namespace lrq::host
