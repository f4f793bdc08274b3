// The lrq-host commands. Each takes its arguments (after the command name), writes its normal
// output to `out`, and returns the exit code; errors are thrown as lrq::Error.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace lrq::host {

using Arguments = std::vector<std::string>;

int run_command(const Arguments& arguments, std::ostream& out);
int quantize_command(const Arguments& arguments, std::ostream& out);
int plugins_command(const Arguments& arguments, std::ostream& out);
int inspect_command(const Arguments& arguments, std::ostream& out);
int generate_command(const Arguments& arguments, std::ostream& out);
int bench_command(const Arguments& arguments, std::ostream& out);

// The whole command line: dispatches to the commands, prints errors, maps them to exit codes.
int run_cli(int argc, char** argv);

}  // namespace lrq::host
