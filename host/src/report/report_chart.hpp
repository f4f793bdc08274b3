// The chart of the HTML report, as inline SVG: one bar per quantized layer, grouped by block and
// coloured by layer type (report/layer_key.hpp). When some layer had a learned rounding, a bar is
// the written result's expected output error over round-to-nearest's, drawn from the line at 1;
// in a round-to-nearest run it is the output error, drawn from 0, with the weight error as a tick.
// Every bar carries its numbers as data-* attributes and a <title>, so the page can be checked
// against the JSON.
#pragma once

#include <string>
#include <vector>

#include "report/report_layers.hpp"

namespace lrq::host {

enum class ChartMeasure { ratio_to_rtn, output_error };

ChartMeasure chart_measure(const std::vector<ReportLayer>& layers);

// The legend and the <svg>; an explanatory paragraph instead when no layer has the numbers.
std::string report_chart(const std::vector<ReportLayer>& layers);

}  // namespace lrq::host
