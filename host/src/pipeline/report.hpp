// The per-layer report of a conversion, as JSON next to the output file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "pipeline/calibration_plan.hpp"
#include "pipeline/converter.hpp"
#include "pipeline/json_document.hpp"
#include "pipeline/run_subject.hpp"
#include "profile/conversion_profile.hpp"

namespace lrq::host {

struct ReportContext {
  RunSubject subject;  // its output the written file, its backend with the "device" it ran on
  std::uint64_t seed = 0;
  bool reference_compat = false;
  bool bias_correction = true;
  std::int64_t calib_samples = 0;
  std::string stats;    // calibration.stats, or empty
  std::string holdout;  // calibration.holdout, or empty
  std::string missing;  // calibration.missing
  CalibrationCoverage coverage;
};

// How many tensors were quantized, kept and removed.
ActionCounts count_actions(const std::vector<LayerOutcome>& layers);

// One entry per optimizer whose learned rounding was judged against round-to-nearest (verdicts()):
// {"optimizer", "decided_on", "layers", "better", "equal", "worse", "learned_written", "ratio",
// "held_out_ratio", "paid"}.
Json verdict_json(const std::vector<LayerOutcome>& layers);

// <directory>/<stem>.report.json for <directory>/<stem>.safetensors.
std::filesystem::path report_path(const std::filesystem::path& output);

// Written to a temporary file and renamed, like the model; with the profile of a profiled run.
// Throws lrq::Error (io) naming the path.
void write_report(const std::filesystem::path& path, const ReportContext& context,
                  const ConversionResult& result, const ConversionProfile* profile = nullptr);

}  // namespace lrq::host
