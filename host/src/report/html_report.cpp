#include "report/html_report.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>
#include <vector>

#include "cli/text_table.hpp"
#include "report/html_text.hpp"
#include "report/report_chart.hpp"
#include "report/report_layers.hpp"

namespace lrq::host {
namespace {

using Json = nlohmann::ordered_json;
using Facts = std::vector<std::pair<std::string, std::string>>;

constexpr const char* kStyle = R"(
body { font: 14px/1.45 system-ui, sans-serif; color: #1d1d1f; margin: 24px; max-width: 1400px; }
h1 { font-size: 22px; margin: 0 0 12px; }
h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0; }
dl.facts dt { color: #666; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { padding: 2px 8px; border-bottom: 1px solid #eee; text-align: left; vertical-align: top; }
th { background: #f4f4f6; position: sticky; top: 0; }
table.sortable th { cursor: pointer; }
td.number { text-align: right; white-space: nowrap; }
table.layers { font-size: 12.5px; }
table.layers td:nth-child(3) { white-space: nowrap; }
table.layers td:last-child { min-width: 24ch; max-width: 60ch; color: #555; }
.table-scroll { overflow-x: auto; }
.paid { color: #1f7a34; font-weight: 600; }
.not-paid { color: #b3261e; font-weight: 600; }
ul.legend { list-style: none; padding: 0; margin: 4px 0 8px; display: flex; flex-wrap: wrap; gap: 4px 16px; }
.swatch { display: inline-block; width: 12px; height: 12px; margin-right: 5px; vertical-align: -1px; }
.chart-scroll { overflow-x: auto; }
svg.chart { font-size: 11px; }
svg.chart .band { fill: #f6f6f8; }
svg.chart .grid { stroke: #e2e2e6; }
svg.chart .base { stroke: #222; stroke-width: 1.5; }
svg.chart .weight-tick { stroke: #111; stroke-width: 2; }
svg.chart .tick { text-anchor: end; dominant-baseline: middle; fill: #555; }
svg.chart .base-label { text-anchor: end; fill: #222; }
svg.chart .axis-label { text-anchor: middle; fill: #333; }
svg.chart .block-label { text-anchor: end; dominant-baseline: middle; fill: #333; }
svg.chart rect.mark:hover { stroke: #000; stroke-width: 1.5; }
)";

// Sorts a table by the clicked column: by data-sort where a cell has one, else by its text.
constexpr const char* kSortScript = R"(
document.querySelectorAll('table.sortable th').forEach((header, column) => {
  header.addEventListener('click', () => {
    const body = header.closest('table').tBodies[0];
    const ascending = header.dataset.order !== 'ascending';
    header.dataset.order = ascending ? 'ascending' : 'descending';
    const key = row => row.cells[column].dataset.sort ?? row.cells[column].textContent;
    const rows = [...body.rows].sort((a, b) => {
      const x = key(a), y = key(b), nx = parseFloat(x), ny = parseFloat(y);
      const order = isNaN(nx) || isNaN(ny) ? x.localeCompare(y) : nx - ny;
      return ascending ? order : -order;
    });
    body.append(...rows);
  });
});
)";

// A JSON scalar as text: strings as they are, null as "none".
std::string text_of(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return "none";
  return value.dump();
}

std::string text_at(const Json& object, const char* key) {
  const auto found = object.find(key);
  return found == object.end() ? std::string("none") : text_of(*found);
}

std::string facts_html(const Facts& facts) {
  std::string html = "<dl class=\"facts\">\n";
  for (const auto& [name, value] : facts) {
    html += "<dt>" + html_escaped(name) + "</dt><dd>" + html_escaped(value) + "</dd>\n";
  }
  return html + "</dl>\n";
}

std::string cell(const std::string& text) {
  return "<td>" + html_escaped(text) + "</td>";
}

// A number cell: shown with `shown`, sorted by the exact value.
std::string number_cell(double value, const std::string& shown) {
  if (std::isnan(value)) return "<td class=\"number\"></td>";
  return "<td class=\"number\" data-sort=\"" + exact_number(value) + "\">" + html_escaped(shown) +
         "</td>";
}

std::string error_cell(double value) {
  return number_cell(value, format_scientific(value));
}

std::string ratio_cell(double value) {
  return number_cell(value, format_fixed(value, 3) + "x");
}

std::string ratio_cell(const Json& summary, const char* key) {
  const Json& value = summary.at(key);
  return value.is_number() ? ratio_cell(value.get<double>()) : cell("");
}

std::string header_row(const std::vector<std::string>& names) {
  std::string html = "<thead><tr>";
  for (const std::string& name : names)
    html += "<th>" + html_escaped(name) + "</th>";
  return html + "</tr></thead>\n";
}

std::string provenance_value(const Json& report, const char* key) {
  const auto provenance = report.find("provenance");
  if (provenance == report.end() || !provenance->contains(key)) return "not recorded";
  return text_of(provenance->at(key));
}

// The plugin of `kind` as configured: its label with the options ("fp8(scale=row)"), and the
// device a backend ran on; its name where the report has no plugins.
std::string plugin_text(const Json& report, const char* kind) {
  const auto plugins = report.find("plugins");
  if (plugins == report.end() || !plugins->contains(kind)) return text_at(report, kind);
  const Json& plugin = plugins->at(kind);
  std::string text = text_at(plugin, plugin.contains("label") ? "label" : "name");
  if (plugin.contains("device")) text += ": " + text_at(plugin, "device");
  return text;
}

std::string header_html(const Json& report, const std::vector<ReportLayer>& layers) {
  std::map<std::string, std::size_t> actions;
  for (const ReportLayer& layer : layers)
    ++actions[layer.action];
  std::string counts;
  for (const auto& [action, count] : actions) {
    counts += (counts.empty() ? "" : ", ") + std::to_string(count) + " " + action;
  }
  return "<h1>lrq conversion report</h1>\n" +
         facts_html({{"input", text_at(report, "input")},
                     {"output", text_at(report, "output")},
                     {"format", plugin_text(report, "format")},
                     {"optimizer", plugin_text(report, "optimizer")},
                     {"model profile", text_at(report, "model")},
                     {"backend", plugin_text(report, "backend")},
                     {"lrq version", provenance_value(report, "version")},
                     {"tensors", counts},
                     {"seconds", format_fixed(report.value("seconds", 0.0), 2)}});
}

const char* inputs_phrase(const std::string& source) {
  if (source == "holdout") return "the held-out statistics (calibration.holdout)";
  if (source == "statistics") return "the activation statistics (calibration.stats)";
  if (source == "synthetic") return "standard normal inputs, where it equals the weight error";
  return "no inputs";
}

std::string verdict_html(const Json& report) {
  const Json& verdicts = report.at("verdict");
  std::string html = "<h2 id=\"verdict\">Verdict</h2>\n";
  if (verdicts.empty()) {
    return html +
           "<p>Round-to-nearest only: no layer had a learned rounding to judge against it.</p>\n";
  }
  html += "<ul class=\"verdicts\">\n";
  for (const Json& verdict : verdicts) {
    const bool paid = verdict.value("paid", false);
    html += "<li><b>" + html_escaped(text_at(verdict, "optimizer")) + "</b>: learned rounding " +
            (paid ? "<span class=\"paid\">paid</span>"
                  : "<span class=\"not-paid\">did not pay</span>") +
            " (" + text_at(verdict, "better") + " of " + text_at(verdict, "layers") +
            " layers better than round-to-nearest on " +
            inputs_phrase(text_at(verdict, "decided_on")) + ")</li>\n";
  }
  html += "</ul>\n<table class=\"verdict\">\n" +
          header_row({"optimizer", "decided on", "layers", "better", "equal", "worse",
                      "learned written", "mean", "worst", "held-out layers", "held-out mean",
                      "held-out worst", "paid"}) +
          "<tbody>\n";
  for (const Json& verdict : verdicts) {
    const Json& ratio = verdict.at("ratio");
    const Json& held_out = verdict.at("held_out_ratio");
    html += "<tr>" + cell(text_at(verdict, "optimizer")) + cell(text_at(verdict, "decided_on")) +
            cell(text_at(verdict, "layers")) + cell(text_at(verdict, "better")) +
            cell(text_at(verdict, "equal")) + cell(text_at(verdict, "worse")) +
            cell(text_at(verdict, "learned_written")) + ratio_cell(ratio, "mean") +
            ratio_cell(ratio, "worst") + cell(text_at(held_out, "layers")) +
            ratio_cell(held_out, "mean") + ratio_cell(held_out, "worst") +
            cell(text_at(verdict, "paid")) + "</tr>\n";
  }
  return html + "</tbody>\n</table>\n";
}

std::string chart_html(const std::vector<ReportLayer>& layers) {
  std::string inputs;
  for (const ReportLayer& layer : layers) {
    if (!layer.quantized() || layer.evaluated_on.empty()) continue;
    const std::string phrase = inputs_phrase(layer.evaluated_on);
    if (inputs.find(phrase) == std::string::npos) inputs += (inputs.empty() ? "" : "; ") + phrase;
  }
  const bool ratio = chart_measure(layers) == ChartMeasure::ratio_to_rtn;
  return std::string("<h2 id=\"chart\">Output error per layer</h2>\n<p>") +
         (ratio ? "Each bar is a quantized layer's expected output error as written, over that of "
                  "round-to-nearest with the same scales: below the line at 1 it is better than "
                  "round-to-nearest. "
                : "Round-to-nearest run: each bar is a quantized layer's expected output error, "
                  "the black tick its weight error. ") +
         "Grouped by block, coloured by layer type; output errors on " + html_escaped(inputs) +
         ".</p>\n" + report_chart(layers);
}

std::string layers_html(const std::vector<ReportLayer>& layers) {
  std::string html =
      "<h2 id=\"layers\">Layers</h2>\n<p>Click a column to sort by it.</p>\n<div "
      "class=\"table-scroll\">\n<table class=\"sortable layers\">\n" +
      header_row({"layer", "type", "shape", "action", "format", "optimizer", "written",
                  "weight error", "output error", "RTN output error", "vs RTN", "note"}) +
      "<tbody>\n";
  for (const ReportLayer& layer : layers) {
    const std::string written =
        !layer.quantized() ? "" : (layer.learned_written ? "learned" : "rtn");
    html += "<tr data-layer=\"" + html_escaped(layer.name) + "\">" + cell(layer.name) +
            cell(layer.key.type) + cell(layer.shape) + cell(layer.action) + cell(layer.format) +
            cell(layer.optimizer) + cell(written) + error_cell(layer.result_weight_error) +
            error_cell(layer.result_output_error) + error_cell(layer.rtn_output_error) +
            ratio_cell(layer.ratio_to_rtn()) + cell(layer.note) + "</tr>\n";
  }
  return html + "</tbody>\n</table>\n</div>\n";
}

// Every scalar of the report and of its objects (calibration), but those of the header and the
// sections of their own.
std::string settings_html(const Json& report) {
  static const std::vector<std::string> elsewhere = {"input",  "output",  "format",     "optimizer",
                                                     "model",  "backend", "seconds",    "verdict",
                                                     "layers", "profile", "provenance", "plugins"};
  Facts facts;
  for (const auto& [key, value] : report.items()) {
    if (std::find(elsewhere.begin(), elsewhere.end(), key) != elsewhere.end()) continue;
    if (!value.is_object()) {
      facts.emplace_back(key, text_of(value));
      continue;
    }
    for (const auto& [inner, inner_value] : value.items()) {
      facts.emplace_back(key + "." + inner, text_of(inner_value));
    }
  }
  return "<h2 id=\"settings\">Settings</h2>\n" + facts_html(facts);
}

std::string provenance_html(const Json& report) {
  Facts facts;
  if (const auto provenance = report.find("provenance"); provenance != report.end()) {
    for (const auto& [key, value] : provenance->items())
      facts.emplace_back(key, text_of(value));
  }
  return "<h2 id=\"provenance\">Provenance</h2>\n" +
         (facts.empty() ? std::string("<p>Not recorded.</p>\n") : facts_html(facts));
}

}  // namespace

std::string html_report(const Json& report) {
  const std::vector<ReportLayer> layers = report_layers(report);
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>lrq "
         "report: " +
         html_escaped(text_at(report, "output")) + "</title>\n<style>" + kStyle +
         "</style>\n</head>\n<body>\n" + header_html(report, layers) + verdict_html(report) +
         chart_html(layers) + layers_html(layers) + settings_html(report) +
         provenance_html(report) + "<script>" + kSortScript + "</script>\n</body>\n</html>\n";
}

}  // namespace lrq::host
