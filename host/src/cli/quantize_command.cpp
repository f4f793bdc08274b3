// lrq-host quantize INPUT [OUTPUT]: converts a checkpoint without a recipe file, from the recipe
// defaults (fp8 per tensor, rtn, profile auto, cpu) and the same options as `run`.
#include "cli/run_command.hpp"
#include "lrq/error.hpp"

namespace lrq::host {

int quantize_command(const Arguments& arguments, std::ostream& out) {
  const char* usage = "lrq-host quantize INPUT [OUTPUT] [options]";
  po::options_description options = conversion_options("quantize options");
  po::positional_options_description positional;
  positional.add("input", 1).add("output", 1);
  po::variables_map values;
  if (!parse_arguments(arguments, usage, options, positional, values, out)) return 0;
  if (values.count("input") == 0) {
    throw Error(ErrorCategory::usage, std::string("missing INPUT\nusage: ") + usage);
  }
  return run_conversion(default_recipe("fp8"), values, out);
}

}  // namespace lrq::host
