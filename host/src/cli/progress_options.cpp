#include "cli/progress_options.hpp"

#include <unistd.h>

#include <array>
#include <cmath>

#include "cli/text_table.hpp"
#include "lrq/log.hpp"

namespace lrq::host {
namespace {

constexpr double kDefaultIntervalSeconds = 10.0;
constexpr double kLongestInterval = 86400.0;

void check_interval(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0.0 || seconds > kLongestInterval) {
    throw po::error("--progress-interval: " + format_fixed(seconds, 1) +
                    " is not a number of seconds from 0 to 86400");
  }
}

}  // namespace

void validate(boost::any& out, const std::vector<std::string>& tokens, ProgressOption*, int) {
  constexpr std::array kOptions = {ProgressOption::automatic, ProgressOption::bar,
                                   ProgressOption::lines, ProgressOption::none};
  out = kOptions.at(chosen_word(tokens, {"auto", "bar", "lines", "none"}));
}

void add_progress_options(po::options_description& options) {
  options.add_options()(
      "progress",
      po::value<ProgressOption>()
          ->default_value(ProgressOption::automatic, "auto")
          ->value_name("MODE"),
      "auto|bar|lines|none: a bar redrawn in place, or plain lines for logs (auto: none where "
      "info messages are not shown, as with --quiet, else a bar where standard error is a "
      "terminal, else lines)")(
      "progress-interval",
      po::value<double>()
          ->default_value(kDefaultIntervalSeconds)
          ->value_name("SECONDS")
          ->notifier(&check_interval),
      "with lines: at most one line per SECONDS (0: one per quantized layer)");
}

std::unique_ptr<ProgressDisplay> progress_display(const po::variables_map& values) {
  ProgressOption option = values["progress"].as<ProgressOption>();
  if (option == ProgressOption::automatic) {
    option = !log_enabled(LogLevel::info) ? ProgressOption::none
             : isatty(STDERR_FILENO) != 0 ? ProgressOption::bar
                                          : ProgressOption::lines;
  }
  if (option == ProgressOption::none) return nullptr;
  const double seconds = values["progress-interval"].as<double>();
  return std::make_unique<ProgressDisplay>(
      option == ProgressOption::bar ? ProgressStyle::bar : ProgressStyle::lines,
      std::chrono::milliseconds(std::llround(seconds * 1000.0)));
}

}  // namespace lrq::host
