// `run`'s --progress and --progress-interval, and the display they choose.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cli/command_line.hpp"
#include "cli/progress_display.hpp"

namespace lrq::host {

enum class ProgressOption { automatic, bar, lines, none };
// Reads --progress for program_options: "auto", "bar", "lines" or "none".
void validate(boost::any& out, const std::vector<std::string>& tokens, ProgressOption*, int);

void add_progress_options(po::options_description& options);

// automatic: a bar where standard error is a terminal, else lines. None with --progress none, or
// with --quiet unless --progress names a style.
std::unique_ptr<ProgressDisplay> progress_display(const po::variables_map& values, bool quiet);

}  // namespace lrq::host
