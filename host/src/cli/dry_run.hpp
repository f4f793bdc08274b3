// What `lrq-host run --dry-run` prints: the plan of every tensor, in file order, and the counts.
#pragma once

#include <filesystem>
#include <ostream>

#include "pipeline/conversion_plan.hpp"
#include "pipeline/profile_selection.hpp"
#include "pipeline/run_subject.hpp"

namespace lrq::host {

// One line per tensor (action, key, shape, dtype, format / optimizer, reason), then
// "dry run: N tensors: ... (profile P); nothing written".
void print_dry_run(const std::filesystem::path& input, const SelectedProfile& profile,
                   const ConversionPlan& plan, std::ostream& out);

// The same as one JSON document of kind "plan": the run's subject (run_subject_json), "tensors"
// and "counts".
void print_dry_run_json(const RunSubject& subject, const ConversionPlan& plan, std::ostream& out);

}  // namespace lrq::host
