#include "cli/log_options.hpp"

#include <array>

#include "cli/command_line.hpp"
#include "lrq/error.hpp"

namespace lrq {

void validate(boost::any& out, const std::vector<std::string>& tokens, LogLevel*, int) {
  constexpr std::array kLevels = {LogLevel::error, LogLevel::warning, LogLevel::info,
                                  LogLevel::debug};
  out = kLevels.at(host::chosen_word(tokens, {"error", "warning", "info", "debug"}));
}

}  // namespace lrq

namespace lrq::host {

namespace po = boost::program_options;

void add_log_options(po::options_description& options) {
  options.add_options()("verbose,v", po::bool_switch(),
                        "print debug messages too (= --log-level debug)")(
      "log-level", po::value<LogLevel>()->value_name("LEVEL"),
      "error|warning|info|debug: the least severe messages printed on standard error (default "
      "info)");
}

void apply_log_options(const po::variables_map& values) {
  const bool verbose = values["verbose"].as<bool>();
  const bool quiet = values.count("quiet") != 0 && values["quiet"].as<bool>();
  if (values.count("log-level") != 0) {
    if (verbose) throw Error(ErrorCategory::usage, "give --verbose or --log-level, not both");
    set_log_threshold(values["log-level"].as<LogLevel>());
  } else {
    set_log_threshold(verbose ? LogLevel::debug : quiet ? LogLevel::warning : LogLevel::info);
  }
}

}  // namespace lrq::host
