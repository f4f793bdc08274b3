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

// None for --progress none. For auto, none where info messages are not shown (--quiet,
// --log-level warning or error: progress is information too), else a bar where standard error is
// a terminal, else lines.
std::unique_ptr<ProgressDisplay> progress_display(const po::variables_map& values);

}  // namespace lrq::host
