#include "cli/bench_run.hpp"

#include <fstream>

#include "pipeline/report.hpp"
#include "profile/profile_json.hpp"

namespace lrq::host {
namespace {

// Why the backend cannot run here; empty when it can.
std::string unavailable_because(const PluginRegistry& registry, const std::string& name) {
  const auto factory = registry.backend(name);
  if (!factory) {
    const auto rejections = registry.rejections_for(PluginKind::backend, name);
    if (!rejections.empty()) return "plugin rejected: " + rejections.front().reason;
    return "no backend plugin named '" + name + "' (see lrq-host plugins)";
  }
  const Availability availability = factory->probe();
  return availability.available ? "" : availability.reason;
}

std::string last_line(const std::filesystem::path& log) {
  std::ifstream file(log);
  std::string line;
  std::string last;
  while (std::getline(file, line)) {
    if (!line.empty()) last = line;
  }
  return last;
}

struct RunFiles {
  std::filesystem::path output;
  std::filesystem::path report;
  std::filesystem::path profile;
  std::filesystem::path log;
};

RunFiles files_for(const BenchSetup& setup, const std::string& backend) {
  const std::string stem = (setup.work / (setup.input.stem().string() + "-" + backend)).string();
  return {stem + ".safetensors", stem + ".report.json", stem + ".profile.json", stem + ".log"};
}

}  // namespace

BenchRun run_bench(const BenchSetup& setup, const PluginRegistry& registry,
                   const std::string& backend) {
  BenchRun run{backend, false, unavailable_because(registry, backend), {}, {}, 0};
  if (!run.problem.empty()) return run;
  run.available = true;
  const RunFiles files = files_for(setup, backend);
  std::vector<std::string> arguments = {"run",
                                        setup.recipe.string(),
                                        "--input",
                                        setup.input.string(),
                                        "--output",
                                        files.output.string(),
                                        "--backend",
                                        backend,
                                        "--profile-json",
                                        files.profile.string(),
                                        "--quiet",
                                        "--overwrite"};
  arguments.insert(arguments.end(), setup.arguments.begin(), setup.arguments.end());
  run.child = run_child(setup.host, arguments, files.log);
  if (run.child.exit_code == 0) {
    run.profile = read_profile_file(files.profile);
    run.output_bytes = std::filesystem::file_size(files.output);
  } else {
    run.problem = "exit code " + std::to_string(run.child.exit_code) + ": " + last_line(files.log);
  }
  if (!setup.keep) {
    std::error_code ignored;
    for (const auto& path :
         {files.output, files.report, html_report_path(files.report), files.profile, files.log}) {
      std::filesystem::remove(path, ignored);
    }
  }
  return run;
}

}  // namespace lrq::host
