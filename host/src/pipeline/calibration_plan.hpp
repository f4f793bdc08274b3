// The recipe's activation statistics (calibration.stats, calibration.holdout), opened and matched
// to the layers a conversion quantizes.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "lrq/activation_stats.hpp"
#include "pipeline/conversion_plan.hpp"
#include "recipe/recipe.hpp"

namespace lrq::host {

struct CalibrationFiles {
  std::optional<ActivationStats> inputs;
  std::optional<ActivationStats> holdout;
};

// Throws lrq::Error (input) naming a file that is missing or malformed.
CalibrationFiles open_calibration(const CalibrationSettings& settings);

struct CalibrationCoverage {
  std::size_t quantized = 0;     // layers the plan quantizes
  std::size_t with_inputs = 0;   // ... that have statistics
  std::size_t without = 0;       // ... rounded to nearest for want of them (missing: rtn)
  std::size_t with_holdout = 0;  // ... that have held-out statistics
};

// Points every quantized layer at its statistics. A layer whose statistics are missing, or are of
// another width than its number of columns, is an error (input, naming the file, the layers and
// calibration.missing) unless the recipe says missing: rtn. Held-out statistics that do not fit
// a layer leave it without held-out errors.
CalibrationCoverage attach_statistics(ConversionPlan& plan, const CalibrationFiles& files,
                                      const CalibrationSettings& settings);

// "stats.safetensors (lrq_capture 0.1.0, 512 samples): 33 of 33 quantized layers; held out:
// ..." or "none (learned rounding is judged on synthetic inputs)".
std::string describe_calibration(const CalibrationFiles& files,
                                 const CalibrationCoverage& coverage);

}  // namespace lrq::host
