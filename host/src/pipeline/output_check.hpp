// The checks a run makes of its output path before converting, for a dry run to make too.
#pragma once

#include <filesystem>

#include "pipeline/checkpoint.hpp"

namespace lrq::host {

// Throws lrq::Error (usage) naming both when `output` is one of the input's files (a shard or the
// index of a sharded input included).
void refuse_overwriting_input(const std::filesystem::path& output, const Checkpoint& input);

// Opens, and removes again, the temporary file the run would write beside `output`: throws
// lrq::Error naming the path when it is a directory (usage), or its directory is missing or not
// writable (i/o), exactly as the run would.
void check_output_path(const std::filesystem::path& output);

}  // namespace lrq::host
