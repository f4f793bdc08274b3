// What `lrq-host run --json` prints when the conversion is done: one document of kind "run".
#pragma once

#include <filesystem>
#include <optional>
#include <ostream>

#include "pipeline/converter.hpp"
#include "pipeline/run_subject.hpp"
#include "profile/conversion_profile.hpp"

namespace lrq::host {

// The run's subject (run_subject_json), "report" (its path, or null), "counts", "input_bytes",
// "output_bytes", "seconds" and "verdict" (as in the report), and the "profile" of a profiled run.
void print_run_json(const RunSubject& subject, const ConversionResult& result,
                    const std::optional<std::filesystem::path>& report,
                    const ConversionProfile* profile, std::ostream& out);

}  // namespace lrq::host
