// Text for the HTML report: escaping, and numbers both for people and for machines.
#pragma once

#include <string>
#include <string_view>

namespace lrq::host {

// `text` safe inside an element or a quoted attribute: & < > " ' as character references.
std::string html_escaped(std::string_view text);

// The shortest text that reads back as exactly `value` ("0.38312"), for data attributes.
std::string exact_number(double value);

// "12.50": two decimals, for SVG coordinates.
std::string pixels(double value);

}  // namespace lrq::host
