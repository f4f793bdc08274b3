// lrq-host generate MODEL --output FILE: writes one of lrq's synthetic models.
#include "cli/command_line.hpp"
#include "cli/text_table.hpp"
#include "lrq/error.hpp"
#include "models/synthetic_model.hpp"
#include "pipeline/file_identity.hpp"
#include "recipe/suggest.hpp"

namespace lrq::host {
namespace {

DType parse_dtype(const std::string& text) {
  if (text == "bf16") return DType::BF16;
  if (text == "f16") return DType::F16;
  if (text == "f32") return DType::F32;
  throw Error(ErrorCategory::usage, "--dtype must be bf16, f16 or f32, got '" + text + "'");
}

}  // namespace

int generate_command(const Arguments& arguments, std::ostream& out) {
  po::options_description options("generate options");
  options.add_options()("model", po::value<std::string>(), "the model to write")(
      "output,o", po::value<std::string>(), "the safetensors file to write")(
      "dtype", po::value<std::string>()->default_value("bf16"), "bf16, f16 or f32")(
      "seed", po::value<std::uint64_t>()->default_value(0), "random seed")(
      "list", po::bool_switch(), "list the models");
  po::positional_options_description positional;
  positional.add("model", 1);
  po::variables_map values;
  const std::string usage = "lrq-host generate MODEL --output FILE [--dtype bf16] [--seed N]";
  if (!parse_arguments(arguments, usage, options, positional, values, out)) return 0;
  if (values["list"].as<bool>()) {
    for (const std::string& name : synthetic_model_names()) {
      out << name << ": " << synthetic_model(name).description << '\n';
    }
    return 0;
  }
  if (values.count("model") == 0 || values.count("output") == 0) {
    throw Error(ErrorCategory::usage, "generate needs a MODEL and --output; usage: " + usage +
                                          "\nmodels: " + join(synthetic_model_names()));
  }
  const SyntheticModel model = synthetic_model(values["model"].as<std::string>());
  const std::filesystem::path output = values["output"].as<std::string>();
  CommandFiles files;
  files.writes(output, "the output");
  files.check();
  write_synthetic_model(model, parse_dtype(values["dtype"].as<std::string>()),
                        values["seed"].as<std::uint64_t>(), output);
  out << "wrote " << model.name << " (" << model.tensors.size() << " tensors, "
      << format_bytes(std::filesystem::file_size(output)) << ") to "
      << std::filesystem::absolute(output).string() << '\n';
  return 0;
}

}  // namespace lrq::host
