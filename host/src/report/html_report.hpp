// The report as a page to look at: one self-contained HTML file (inline CSS and SVG, no network)
// rendered from the report's JSON document (pipeline/report.hpp), so the two always agree. It has
// the run's input, output, plugins and lrq version, the verdict, the chart of report/report_chart,
// a table of every layer, the settings and the provenance.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace lrq::host {

std::string html_report(const nlohmann::ordered_json& report);

}  // namespace lrq::host
