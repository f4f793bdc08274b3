#include <csignal>
#include <iostream>

#include "cli/commands.hpp"
#include "lrq/error.hpp"
#include "lrq/log.hpp"
#include "lrq/version.hpp"
#include "pipeline/interrupt_cleanup.hpp"
#include "recipe/suggest.hpp"

namespace lrq::host {
namespace {

struct Command {
  const char* name;
  int (*run)(const Arguments&, std::ostream&);
  const char* summary;
};

constexpr Command kCommands[] = {
    {"run", &run_command, "convert a checkpoint as a recipe says"},
    {"quantize", &quantize_command, "convert a checkpoint with the defaults (fp8), no recipe"},
    {"plugins", &plugins_command, "list the plugins found, and why any were rejected"},
    {"inspect", &inspect_command, "show a safetensors file: tensors and quantized layers"},
    {"generate", &generate_command, "write a synthetic example model"},
    {"bench", &bench_command, "time a generated workload on each backend against the I/O floor"},
};

void print_help(std::ostream& out) {
  out << "lrq-host " << LRQ_VERSION
      << " - quantize safetensors checkpoints to FP8/INT8 for ComfyUI\n\n"
         "usage: lrq-host COMMAND [OPTIONS]\n       lrq-host --help | --version\n\n"
         "commands:\n";
  for (const Command& command : kCommands) {
    out << "  " << command.name << std::string(10 - std::string(command.name).size(), ' ')
        << command.summary << '\n';
  }
  out << "\n'lrq-host COMMAND --help' shows a command's options.\n";
}

int dispatch(const Arguments& arguments) {
  if (arguments.empty()) {
    print_help(std::cerr);
    return exit_code(ErrorCategory::usage);
  }
  const std::string& first = arguments.front();
  if (first == "--help" || first == "-h" || first == "help") {
    print_help(std::cout);
    return 0;
  }
  if (first == "--version") {
    std::cout << "lrq-host " << LRQ_VERSION << '\n';
    return 0;
  }
  std::vector<std::string> names;
  for (const Command& command : kCommands) {
    if (first == command.name) {
      return command.run(Arguments(arguments.begin() + 1, arguments.end()), std::cout);
    }
    names.emplace_back(command.name);
  }
  throw Error(ErrorCategory::usage, "unknown command '" + first + "'" + did_you_mean(first, names) +
                                        "; commands: " + join(names) + " (see lrq-host --help)");
}

}  // namespace

int run_cli(int argc, char** argv) {
  // A write past a file-size limit then fails with EFBIG and a clear message instead of a signal.
  std::signal(SIGXFSZ, SIG_IGN);
  // A crash or an exit() inside a plugin call names the plugin, in every command.
  const InterruptHandler crash_report;
  try {
    return dispatch(Arguments(argv + 1, argv + argc));
  } catch (const Error& error) {
    log(LogLevel::error, error.what());
    return exit_code(error.category());
  } catch (const std::exception& error) {
    log(LogLevel::error, std::string("unexpected: ") + error.what());
    return exit_code(ErrorCategory::internal);
  }
}

}  // namespace lrq::host
