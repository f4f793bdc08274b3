// What `lrq-host run` prints when it is done: one line per weight, totals and where the output is.
#pragma once

#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "pipeline/converter.hpp"

namespace lrq::host {

struct RunDescription {
  std::string input;
  std::string format;  // e.g. "fp8: float8_e4m3fn, per-tensor scale"
  std::string optimizer;
  std::string model;                   // e.g. "flux (auto: score 40, ...)"
  std::vector<std::string> overrides;  // one line per override rule
  std::string backend;                 // e.g. "cpu: host CPU, 2 threads"
  std::string calibration;             // describe_calibration
  std::optional<std::filesystem::path> report;
};

void print_conversion_summary(const RunDescription& run, const ConversionResult& result,
                              std::ostream& out);

}  // namespace lrq::host
