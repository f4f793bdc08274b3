// What `lrq-host run` prints when it is done: one line per weight, totals and where the output is.
#pragma once

#include <filesystem>
#include <optional>
#include <ostream>
#include <string>

#include "pipeline/converter.hpp"

namespace lrq::host {

struct RunDescription {
  std::string input;
  std::string format;  // e.g. "fp8: float8_e4m3fn, per-tensor scale"
  std::string comfy_format;
  std::string optimizer;
  std::string model;
  std::string backend;  // e.g. "cpu: host CPU, 2 threads"
  std::optional<std::filesystem::path> report;
};

void print_conversion_summary(const RunDescription& run, const ConversionResult& result,
                              std::ostream& out);

}  // namespace lrq::host
