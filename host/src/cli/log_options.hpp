// --verbose and --log-level, which every command takes, and the threshold they set for lrq::log.
#pragma once

#include <boost/program_options.hpp>
#include <string>
#include <vector>

#include "lrq/log.hpp"

namespace lrq {

// Reads --log-level for program_options: "error", "warning", "info" or "debug".
void validate(boost::any& out, const std::vector<std::string>& tokens, LogLevel*, int);

}  // namespace lrq

namespace lrq::host {

void add_log_options(boost::program_options::options_description& options);

// A command's --quiet (where it has one) lowers the default threshold from info to warning.
// Throws lrq::Error (usage) for --verbose together with --log-level.
void apply_log_options(const boost::program_options::variables_map& values);

}  // namespace lrq::host
