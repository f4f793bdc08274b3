#include "cli/run_summary_json.hpp"

#include "pipeline/json_document.hpp"
#include "pipeline/report.hpp"
#include "profile/profile_json.hpp"

namespace lrq::host {

void print_run_json(const RunSubject& subject, const ConversionResult& result,
                    const std::optional<std::filesystem::path>& report,
                    const ConversionProfile* profile, std::ostream& out) {
  Json json = json_document("run");
  json.update(run_subject_json(subject));
  json.update({{"report", report ? Json(report->string()) : Json(nullptr)},
               {"counts", count_actions(result.layers).json()},
               {"input_bytes", result.input_bytes},
               {"output_bytes", result.output_bytes},
               {"seconds", result.seconds},
               {"verdict", verdict_json(result.layers)}});
  if (profile != nullptr) json["profile"] = profile_json(*profile);
  out << json_text(json) << '\n';
}

}  // namespace lrq::host
