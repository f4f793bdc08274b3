// The per-layer report of a conversion, next to the output file: one JSON document, written as
// JSON and rendered as a self-contained HTML page (report/html_report.hpp).
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "pipeline/calibration_plan.hpp"
#include "pipeline/converter.hpp"
#include "pipeline/json_document.hpp"
#include "pipeline/run_subject.hpp"
#include "pipeline/staged_files.hpp"
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
  Metadata provenance;  // the output's "lrq." entries (pipeline/provenance.hpp)
};

// How many tensors were quantized, kept and removed.
ActionCounts count_actions(const std::vector<LayerOutcome>& layers);

// One entry per optimizer whose learned rounding was judged against round-to-nearest (verdicts()):
// {"optimizer", "decided_on", "layers", "better", "equal", "worse", "learned_written", "ratio",
// "held_out_ratio", "paid"}.
Json verdict_json(const std::vector<LayerOutcome>& layers);

// <directory>/<stem>.report.json for <directory>/<stem>.safetensors, or for the index
// <directory>/<stem>.safetensors.index.json of a sharded output.
std::filesystem::path report_path(const std::filesystem::path& output);
// <directory>/<stem>.report.html beside the JSON report `report`.
std::filesystem::path html_report_path(const std::filesystem::path& report);

// With the profile of a profiled run; "provenance" as provenance_json gives it.
nlohmann::ordered_json report_json(const ReportContext& context, const ConversionResult& result,
                                   const ConversionProfile* profile = nullptr);

// The JSON to `path` and the HTML beside it (html_report_path), staged to be committed with the
// output. Throws lrq::Error (io) naming the file.
void write_report(StagedFiles& staged, const std::filesystem::path& path,
                  const ReportContext& context, const ConversionResult& result,
                  const ConversionProfile* profile = nullptr);

}  // namespace lrq::host
