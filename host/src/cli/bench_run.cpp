#include "cli/bench_run.hpp"

#include <algorithm>
#include <fstream>

#include "pipeline/file_identity.hpp"
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

std::vector<const BenchRepeat*> by_wall_time(const std::vector<BenchRepeat>& repeats) {
  std::vector<const BenchRepeat*> sorted;
  for (const BenchRepeat& repeat : repeats)
    sorted.push_back(&repeat);
  std::sort(sorted.begin(), sorted.end(), [](const BenchRepeat* a, const BenchRepeat* b) {
    return a->child.wall_seconds < b->child.wall_seconds;
  });
  return sorted;
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

Spread BenchRun::wall_seconds() const {
  const std::vector<const BenchRepeat*> sorted = by_wall_time(repeats);
  if (sorted.empty()) return {};
  const std::size_t middle = sorted.size() / 2;
  const double upper = sorted[middle]->child.wall_seconds;
  const double median =
      sorted.size() % 2 == 1 ? upper : (sorted[middle - 1]->child.wall_seconds + upper) / 2.0;
  return {median, sorted.front()->child.wall_seconds, sorted.back()->child.wall_seconds};
}

const BenchRepeat& BenchRun::median_repeat() const {
  return *by_wall_time(repeats).at((repeats.size() - 1) / 2);
}

std::uint64_t BenchRun::peak_rss_bytes() const {
  std::uint64_t peak = 0;
  for (const BenchRepeat& repeat : repeats)
    peak = std::max(peak, repeat.child.peak_rss_bytes);
  return peak;
}

BenchRun run_bench(const BenchSetup& setup, const PluginRegistry& registry,
                   const std::string& backend) {
  BenchRun run{backend, false, unavailable_because(registry, backend), 0, {}, 0};
  if (!run.problem.empty()) return run;
  run.available = true;
  const RunFiles files = files_for(setup, backend);
  // The runs check what they write themselves; the log is opened here.
  CommandFiles checked;
  checked.reads(setup.input, "the workload");
  checked.reads(setup.recipe, "the bench recipe");
  checked.writes(files.log, "the log");
  checked.check();
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
  for (int i = 0; i < setup.repeat && run.problem.empty(); ++i) {
    const ChildOutcome child = run_child(setup.host, arguments, files.log);
    if (child.exit_code == 0) {
      run.repeats.push_back({child, read_profile_file(files.profile)});
      run.output_bytes = std::filesystem::file_size(files.output);
    } else {
      run.exit_code = child.exit_code;
      run.problem = "exit code " + std::to_string(child.exit_code) + ": " + last_line(files.log);
    }
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
