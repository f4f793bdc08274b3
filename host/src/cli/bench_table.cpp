#include "cli/bench_table.hpp"

#include <functional>

#include "cli/profile_summary.hpp"
#include "cli/text_table.hpp"
#include "recipe/suggest.hpp"

namespace lrq::host {
namespace {

std::string seconds_text(double seconds) {
  return format_fixed(seconds, 3);
}

// One row per measurement, one column per backend that ran.
void print_runs(const std::vector<const BenchRun*>& ran, const IoFloor& floor, std::ostream& out) {
  std::vector<std::string> header = {""};
  for (const BenchRun* run : ran)
    header.push_back(run->backend);
  TextTable table(std::move(header));
  const auto add = [&](const std::string& label,
                       const std::function<std::string(const BenchRun&)>& cell) {
    std::vector<std::string> row = {label};
    for (const BenchRun* run : ran)
      row.push_back(cell(*run));
    table.add(std::move(row));
  };
  const auto profile = [](const BenchRun& run) -> const ConversionProfile& {
    return run.median_repeat().profile;
  };
  add("wall time (s)", [](const BenchRun& run) { return seconds_text(run.wall_seconds().median); });
  add("  min - max", [](const BenchRun& run) {
    return seconds_text(run.wall_seconds().min) + " - " + seconds_text(run.wall_seconds().max);
  });
  add("x I/O floor", [&](const BenchRun& run) {
    return floor.seconds() > 0.0 ? format_fixed(run.wall_seconds().median / floor.seconds(), 1)
                                 : "";
  });
  add("conversion (s)",
      [&](const BenchRun& run) { return seconds_text(profile(run).wall_seconds); });
  for (std::size_t i = 0; i < kStageCount; ++i) {
    const auto stage = static_cast<Stage>(i);
    add("  " + stage_title(stage), [&, stage](const BenchRun& run) {
      return seconds_text(profile(run).stages.seconds_in(stage)) + " (" +
             format_fixed(100.0 * profile(run).share(stage), 0) + "%)";
    });
  }
  add("svd+optimize TFLOP/s",
      [&](const BenchRun& run) { return format_fixed(profile(run).rounding_tflops(), 3); });
  add("peak RSS", [](const BenchRun& run) { return format_bytes(run.peak_rss_bytes()); });
  add("peak GPU memory", [&](const BenchRun& run) {
    return profile(run).peak_device_bytes > 0 ? format_bytes(profile(run).peak_device_bytes) : "-";
  });
  add("device", [&](const BenchRun& run) { return profile(run).device; });
  table.print(out);
}

void print_problems(const std::vector<BenchRun>& runs, bool available, const std::string& title,
                    std::ostream& out) {
  bool first = true;
  for (const BenchRun& run : runs) {
    if (run.available != available || run.problem.empty()) continue;
    if (first) out << '\n' << title << ":\n";
    first = false;
    out << "  " << run.backend << ": " << run.problem << '\n';
  }
}

}  // namespace

void print_bench(const BenchSummary& summary, const std::vector<BenchRun>& runs,
                 std::ostream& out) {
  const IoFloor& floor = summary.floor;
  out << "workload:  " << (summary.workload.empty() ? "checkpoint" : summary.workload) << ", "
      << format_bytes(summary.input_bytes) << " (" << summary.input.string()
      << ")\nruns:      lrq-host run " << join(summary.arguments, " ") << ", " << summary.repeat
      << (summary.repeat == 1 ? " time" : " times") << " per backend\nI/O floor: ";
  if (floor.write_bytes > 0) {
    out << seconds_text(floor.seconds()) << " s (read " << format_bytes(floor.read_bytes)
        << " from the page cache in " << seconds_text(floor.read_seconds) << " s, write and fsync "
        << format_bytes(floor.write_bytes) << " in " << seconds_text(floor.write_seconds)
        << " s)\n\n";
  } else {
    out << "read " << format_bytes(floor.read_bytes) << " from the page cache in "
        << seconds_text(floor.read_seconds)
        << " s; the write was not measured (no conversion succeeded)\n\n";
  }
  std::vector<const BenchRun*> ran;
  for (const BenchRun& run : runs) {
    if (run.succeeded()) ran.push_back(&run);
  }
  if (ran.empty()) {
    out << "  no conversion ran\n";
  } else {
    print_runs(ran, floor, out);
    out << "  (the median of the runs' wall times, and the stages of the median run: their\n"
           "  seconds are summed over threads; % of the conversion's wall time)\n";
  }
  print_problems(runs, false, "not available", out);
  print_problems(runs, true, "failed", out);
}

}  // namespace lrq::host
