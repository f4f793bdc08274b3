// lrq-host bench WORKLOAD: converts a generated workload or the user's checkpoint a few times per
// backend, each run a child process, and prints the runs side by side against the I/O floor
// measured in the same run.
#include <algorithm>
#include <fstream>

#include "cli/bench_json.hpp"
#include "cli/bench_run.hpp"
#include "cli/bench_table.hpp"
#include "cli/command_line.hpp"
#include "lrq/error.hpp"
#include "lrq/log.hpp"
#include "lrq/safetensors.hpp"
#include "models/synthetic_model.hpp"
#include "pipeline/file_identity.hpp"
#include "profile/io_floor.hpp"
#include "recipe/comma_list.hpp"
#include "recipe/suggest.hpp"

namespace lrq::host {
namespace {

namespace fs = std::filesystem;

// Whether `path` is this workload as `generate` wrote it (a finished file: it is renamed into
// place only when complete).
bool is_workload(const fs::path& path, const std::string& name) {
  if (!fs::exists(path)) return false;
  try {
    const SafetensorsReader file(path);
    for (const auto& [key, value] : file.metadata()) {
      if (key == "lrq_synthetic_model") return value == name;
    }
  } catch (const Error&) {
  }
  return false;
}

struct Workload {
  std::string name;  // the generated model's; empty for the user's checkpoint
  fs::path path;
};

// A safetensors file the user names is converted as it is (it must open as one); any other word
// names a generated model, written into the work directory unless it is there already.
Workload prepare_workload(const std::string& argument, const fs::path& work) {
  if (argument.ends_with(".safetensors") || fs::is_regular_file(argument)) {
    const SafetensorsReader checkpoint(argument);
    return {"", fs::absolute(argument)};
  }
  const SyntheticModel model = synthetic_model(argument);
  const fs::path path = work / (model.name + ".safetensors");
  if (!is_workload(path, model.name)) {
    CommandFiles files;
    files.writes(path, "the workload");
    files.check();
    log(LogLevel::info, "generating " + model.name + " into " + path.string() + " ...");
    write_synthetic_model(model, DType::BF16, 0, path);
  }
  return {model.name, path};
}

// A backend that no plugin file provides is a mistake in --backends; one that is installed but
// rejected or not available here is reported with the runs.
void require_known_backends(const PluginRegistry& registry,
                            const std::vector<std::string>& backends) {
  const std::vector<std::string> names = registry.available_names(PluginKind::backend);
  for (const std::string& backend : backends) {
    if (registry.backend(backend) ||
        !registry.rejections_for(PluginKind::backend, backend).empty()) {
      continue;
    }
    throw Error(
        ErrorCategory::recipe,
        "--backends: no backend plugin named '" + backend + "'" + did_you_mean(backend, names) +
            "; available: " + (names.empty() ? "none" : join(names)) + " (see lrq-host plugins)");
  }
}

// What every run is given besides its backend and files.
std::vector<std::string> run_arguments(const po::variables_map& values) {
  std::vector<std::string> arguments = {"--format", values["format"].as<std::string>(),
                                        "--optimizer", values["optimizer"].as<std::string>()};
  for (const char* repeated : {"set", "plugin-dir"}) {
    if (values.count(repeated) == 0) continue;
    for (const std::string& value : values[repeated].as<std::vector<std::string>>()) {
      arguments.insert(arguments.end(), {std::string("--") + repeated, value});
    }
  }
  return arguments;
}

fs::path write_recipe(const fs::path& work, const fs::path& workload) {
  const fs::path path = work / "bench.yaml";
  CommandFiles files;
  files.reads(workload, "the workload");
  files.writes(path, "the bench recipe");
  files.check();
  std::ofstream recipe(path, std::ios::trunc);
  // generic, not auto: every run converts the same layers whichever profiles are installed.
  recipe << "# Written by lrq-host bench; the command line of each run names the plugins.\n"
            "lrq: 1\nformat: fp8\nmodel: generic\n";
  if (!recipe.flush()) throw Error(ErrorCategory::io, path.string() + ": cannot write");
  return path;
}

}  // namespace

int bench_command(const Arguments& arguments, std::ostream& out) {
  po::options_description options("bench options");
  options.add_options()("workload", po::value<std::string>()->required(),
                        "a generated model to convert (see lrq-host generate --list), or a "
                        ".safetensors checkpoint")(
      "backends", po::value<std::string>()->default_value("cpu"),
      "comma-separated backends, e.g. cpu,cuda,cublaslt")(
      "format", po::value<std::string>()->default_value("fp8"), "format plugin")(
      "optimizer", po::value<std::string>()->default_value("original"), "optimizer plugin")(
      "set", po::value<std::vector<std::string>>()->composing(),
      "KEY=VALUE for every run, as for lrq-host run (repeatable)")(
      "work", po::value<std::string>(),
      "directory for the workload (kept and reused) and the runs' files; default: "
      "lrq-bench in the temporary directory")(
      "repeat", po::value<int>()->default_value(3),
      "conversions per backend; the median and the range of their wall times are shown")(
      "json", po::bool_switch(), "print one JSON document instead of the tables")(
      "keep", po::bool_switch(), "keep each backend's last output, report, profile and log");
  add_plugin_dir_option(options);
  po::positional_options_description positional;
  positional.add("workload", 1);
  po::variables_map values;
  if (!parse_arguments(arguments,
                       "lrq-host bench WORKLOAD|FILE.safetensors [--backends cpu,cuda] [options]",
                       options, positional, values, out)) {
    return 0;
  }
  const std::vector<std::string> backends = split_list(values["backends"].as<std::string>());
  if (backends.empty()) throw Error(ErrorCategory::usage, "--backends names no backend");
  const int repeat = values["repeat"].as<int>();
  if (repeat < 1) throw Error(ErrorCategory::usage, "--repeat must be at least 1");
  PluginRegistry registry;
  registry.load(plugin_directories(values), [&](std::string_view kind, std::string_view name) {
    return kind == "backend" && std::find(backends.begin(), backends.end(), name) != backends.end();
  });
  require_known_backends(registry, backends);
  const fs::path work =
      fs::absolute(values.count("work") != 0 ? fs::path(values["work"].as<std::string>())
                                             : fs::temp_directory_path() / "lrq-bench");
  fs::create_directories(work);

  const Workload workload = prepare_workload(values["workload"].as<std::string>(), work);
  const BenchSetup setup{fs::read_symlink("/proc/self/exe"),
                         work,
                         write_recipe(work, workload.path),
                         workload.path,
                         run_arguments(values),
                         repeat,
                         values["keep"].as<bool>()};
  BenchSummary summary{workload.name,   setup.input, fs::file_size(setup.input),
                       setup.arguments, repeat,      {}};
  // The runs find the input in the page cache too: this first read puts it there.
  summary.floor.read_bytes = summary.input_bytes;
  summary.floor.read_seconds = time_cached_read(setup.input);
  std::vector<BenchRun> runs;
  for (const std::string& backend : backends) {
    runs.push_back(run_bench(setup, registry, backend));
    if (summary.floor.write_bytes == 0) summary.floor.write_bytes = runs.back().output_bytes;
  }
  if (summary.floor.write_bytes > 0) {
    summary.floor.write_seconds = time_write_and_fsync(work, summary.floor.write_bytes);
  }
  if (values["json"].as<bool>()) {
    print_bench_json(summary, runs, out);
  } else {
    print_bench(summary, runs, out);
  }
  for (const BenchRun& run : runs) {
    if (run.available && !run.problem.empty()) return run.exit_code;
  }
  return 0;
}

}  // namespace lrq::host
