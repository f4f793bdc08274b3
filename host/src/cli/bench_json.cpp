#include "cli/bench_json.hpp"

#include "pipeline/json_document.hpp"
#include "profile/profile_json.hpp"

namespace lrq::host {
namespace {

Json floor_json(const IoFloor& floor) {
  return {{"seconds", floor.write_bytes > 0 ? Json(floor.seconds()) : Json(nullptr)},
          {"read_bytes", floor.read_bytes},
          {"read_seconds", floor.read_seconds},
          {"write_bytes", floor.write_bytes},
          {"write_seconds", floor.write_bytes > 0 ? Json(floor.write_seconds) : Json(nullptr)}};
}

Json backend_json(const BenchRun& run) {
  Json repeats = Json::array();
  for (const BenchRepeat& repeat : run.repeats) {
    repeats.push_back({{"wall_seconds", repeat.child.wall_seconds},
                       {"peak_rss_bytes", repeat.child.peak_rss_bytes},
                       {"profile", profile_json(repeat.profile)}});
  }
  const Spread wall = run.wall_seconds();
  const bool ran = !run.repeats.empty();
  return {{"backend", run.backend},
          {"available", run.available},
          {"problem", run.problem.empty() ? Json(nullptr) : Json(run.problem)},
          {"exit_code", run.exit_code},
          {"wall_seconds", ran ? Json{{"median", wall.median}, {"min", wall.min}, {"max", wall.max}}
                               : Json(nullptr)},
          {"peak_rss_bytes", run.peak_rss_bytes()},
          {"output_bytes", run.output_bytes},
          {"runs", std::move(repeats)}};
}

}  // namespace

void print_bench_json(const BenchSummary& summary, const std::vector<BenchRun>& runs,
                      std::ostream& out) {
  Json json = json_document("bench");
  json["workload"] = {{"name", summary.workload.empty() ? Json(nullptr) : Json(summary.workload)},
                      {"path", summary.input.string()},
                      {"bytes", summary.input_bytes}};
  json["arguments"] = summary.arguments;
  json["repeat"] = summary.repeat;
  json["io_floor"] = floor_json(summary.floor);
  json["backends"] = Json::array();
  for (const BenchRun& run : runs)
    json["backends"].push_back(backend_json(run));
  out << json_text(json) << '\n';
}

}  // namespace lrq::host
