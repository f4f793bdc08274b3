// The checks a run makes of its output path before converting, for a dry run to make too.
#pragma once

#include <filesystem>

namespace lrq::host {

// Opens, and removes again, the temporary file the run would write beside `output`: throws
// lrq::Error naming the path when it is the input (usage), a directory (usage), or its directory
// is missing or not writable (i/o), exactly as the run would.
void check_output_path(const std::filesystem::path& output, const std::filesystem::path& input);

}  // namespace lrq::host
