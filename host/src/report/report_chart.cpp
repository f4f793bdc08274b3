#include "report/report_chart.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "cli/text_table.hpp"
#include "report/html_text.hpp"

namespace lrq::host {
namespace {

constexpr double kBarWidth = 10.0;
constexpr double kBarGap = 2.0;
constexpr double kBlockGap = 12.0;
constexpr double kLeft = 70.0;
constexpr double kRight = 16.0;
constexpr double kTop = 16.0;
constexpr double kPlotHeight = 300.0;
constexpr double kLabelCharacter = 6.5;  // about the width of an 11 px character

constexpr std::array<const char*, 12> kPalette = {"#3b6fb6", "#e07b28", "#3a9a4a", "#c8383c",
                                                  "#8a63b8", "#8c5a47", "#d36fb0", "#6f6f6f",
                                                  "#a8a12b", "#2aa5b8", "#1f3f7a", "#b5651d"};

struct Mark {
  const ReportLayer* layer;
  double value;
};

struct Block {
  std::string name;
  std::vector<Mark> marks;
};

struct Axis {
  double low = 0.0;
  double high = 1.0;
  double base = 0.0;  // bars start here: 1 for ratios, 0 for errors
  double pixels_per_unit() const { return kPlotHeight / (high - low); }
  double y(double value) const { return kTop + (high - value) * pixels_per_unit(); }
};

double measured(const ReportLayer& layer, ChartMeasure measure) {
  return measure == ChartMeasure::ratio_to_rtn ? layer.ratio_to_rtn() : layer.result_output_error;
}

// Blocks by the first appearance of their family, then by number; "other" last. Within a block,
// layers by the first appearance of their type, so each block shows its types in the same order.
std::vector<Block> blocks_of(const std::vector<ReportLayer>& layers, ChartMeasure measure,
                             std::map<std::string, std::size_t>& type_rank) {
  std::map<std::string, std::size_t> family_rank;
  std::map<std::string, Block> by_name;
  std::vector<std::tuple<bool, std::size_t, std::uint64_t, std::string>> order;
  for (const ReportLayer& layer : layers) {
    const double value = measured(layer, measure);
    if (!layer.quantized() || std::isnan(value)) continue;
    family_rank.emplace(layer.key.family, family_rank.size());
    type_rank.emplace(layer.key.type, type_rank.size());
    auto [block, fresh] = by_name.try_emplace(layer.key.block);
    if (fresh) {
      block->second.name = layer.key.block;
      order.emplace_back(layer.key.block == kOtherBlock, family_rank.at(layer.key.family),
                         layer.key.number, layer.key.block);
    }
    block->second.marks.push_back({&layer, value});
  }
  std::sort(order.begin(), order.end());
  std::vector<Block> blocks;
  for (const auto& entry : order) {
    Block& block = by_name.at(std::get<3>(entry));
    std::stable_sort(block.marks.begin(), block.marks.end(), [&](const Mark& a, const Mark& b) {
      return type_rank.at(a.layer->key.type) < type_rank.at(b.layer->key.type);
    });
    blocks.push_back(std::move(block));
  }
  return blocks;
}

Axis axis_for(const std::vector<Block>& blocks, ChartMeasure measure) {
  Axis axis;
  axis.base = measure == ChartMeasure::ratio_to_rtn ? 1.0 : 0.0;
  double low = axis.base;
  double high = axis.base;
  for (const Block& block : blocks) {
    for (const Mark& mark : block.marks) {
      low = std::min(low, mark.value);
      high = std::max(high, mark.value);
    }
  }
  // Ratios within 2 % of each other, or errors all 0, still get a readable axis.
  if (measure == ChartMeasure::ratio_to_rtn && high - low < 0.02) high = low + 0.02;
  if (high == low) high = low + 1.0;
  const double margin = 0.05 * (high - low);
  axis.low = measure == ChartMeasure::ratio_to_rtn ? std::max(0.0, low - margin) : 0.0;
  axis.high = high + margin;
  return axis;
}

// 1, 2 or 5 times a power of ten, about a fifth of the axis.
double tick_step(const Axis& axis) {
  const double rough = (axis.high - axis.low) / 5.0;
  const double power = std::pow(10.0, std::floor(std::log10(rough)));
  for (const double factor : {1.0, 2.0, 5.0}) {
    if (factor * power >= rough) return factor * power;
  }
  return 10.0 * power;
}

std::string value_text(double value, ChartMeasure measure) {
  return measure == ChartMeasure::ratio_to_rtn ? format_fixed(value, 3) + "x"
                                               : format_scientific(value);
}

std::string mark_title(const Mark& mark, ChartMeasure measure) {
  const ReportLayer& layer = *mark.layer;
  std::string title = layer.name + ": ";
  if (measure == ChartMeasure::ratio_to_rtn) {
    title += value_text(mark.value, measure) + " RTN (output error " +
             format_scientific(layer.result_output_error) + ", RTN " +
             format_scientific(layer.rtn_output_error) + "; " +
             (layer.learned_written ? "learned" : "round-to-nearest") + " written)";
  } else {
    title += "output error " + format_scientific(layer.result_output_error) + ", weight error " +
             format_scientific(layer.result_weight_error);
  }
  return title;
}

std::string data_number(const char* name, double value) {
  return std::string(" data-") + name + "=\"" + (std::isnan(value) ? "" : exact_number(value)) +
         "\"";
}

std::string mark_svg(const Mark& mark, double x, const Axis& axis, const std::string& colour,
                     ChartMeasure measure) {
  const ReportLayer& layer = *mark.layer;
  const double top = std::min(axis.y(mark.value), axis.y(axis.base));
  const double height = std::max(std::abs(axis.y(mark.value) - axis.y(axis.base)), 1.0);
  std::string svg = "<rect class=\"mark\" x=\"" + pixels(x) + "\" y=\"" + pixels(top) +
                    "\" width=\"" + pixels(kBarWidth) + "\" height=\"" + pixels(height) +
                    "\" fill=\"" + colour + "\" data-layer=\"" + html_escaped(layer.name) +
                    "\" data-block=\"" + html_escaped(layer.key.block) + "\" data-type=\"" +
                    html_escaped(layer.key.type) + "\"" + data_number("value", mark.value) +
                    data_number("output-error", layer.result_output_error) +
                    data_number("rtn-output-error", layer.rtn_output_error) +
                    data_number("weight-error", layer.result_weight_error) + " data-written=\"" +
                    (layer.learned_written ? "learned" : "rtn") + "\"><title>" +
                    html_escaped(mark_title(mark, measure)) + "</title></rect>\n";
  if (measure == ChartMeasure::output_error && !std::isnan(layer.result_weight_error)) {
    const double y = axis.y(std::min(layer.result_weight_error, axis.high));
    svg += "<line class=\"weight-tick\" x1=\"" + pixels(x - 1.0) + "\" x2=\"" +
           pixels(x + kBarWidth + 1.0) + "\" y1=\"" + pixels(y) + "\" y2=\"" + pixels(y) + "\"/>\n";
  }
  return svg;
}

std::string axis_svg(const Axis& axis, double width, ChartMeasure measure) {
  const double step = tick_step(axis);
  const int decimals = std::max(0, static_cast<int>(-std::floor(std::log10(step))));
  std::string svg;
  for (double tick = std::ceil(axis.low / step) * step; tick <= axis.high; tick += step) {
    const std::string y = pixels(axis.y(tick));
    svg += "<line class=\"grid\" x1=\"" + pixels(kLeft) + "\" x2=\"" + pixels(width - kRight) +
           "\" y1=\"" + y + "\" y2=\"" + y + "\"/>\n<text class=\"tick\" x=\"" +
           pixels(kLeft - 6.0) + "\" y=\"" + y + "\">" +
           (measure == ChartMeasure::ratio_to_rtn ? format_fixed(tick, decimals)
                                                  : format_scientific(tick)) +
           "</text>\n";
  }
  const std::string base = pixels(axis.y(axis.base));
  svg += "<line class=\"base\" x1=\"" + pixels(kLeft) + "\" x2=\"" + pixels(width - kRight) +
         "\" y1=\"" + base + "\" y2=\"" + base + "\"/>\n";
  if (measure == ChartMeasure::ratio_to_rtn) {
    svg += "<text class=\"base-label\" x=\"" + pixels(width - kRight) + "\" y=\"" +
           pixels(axis.y(axis.base) - 4.0) + "\">RTN</text>\n";
  }
  const std::string middle = pixels(kTop + kPlotHeight / 2.0);
  svg +=
      "<text class=\"axis-label\" transform=\"translate(14," + middle + ") rotate(-90)\">" +
      std::string(measure == ChartMeasure::ratio_to_rtn ? "output error / RTN" : "output error") +
      "</text>\n";
  return svg;
}

std::string legend_html(const std::map<std::string, std::size_t>& type_rank) {
  std::vector<const std::string*> types(type_rank.size());
  for (const auto& [type, rank] : type_rank)
    types[rank] = &type;
  std::string html = "<ul class=\"legend\">";
  for (std::size_t rank = 0; rank < types.size(); ++rank) {
    html += "<li><span class=\"swatch\" style=\"background:" +
            std::string(kPalette[rank % kPalette.size()]) + "\"></span>" +
            html_escaped(*types[rank]) + "</li>";
  }
  return html + "</ul>\n";
}

}  // namespace

ChartMeasure chart_measure(const std::vector<ReportLayer>& layers) {
  const bool learned = std::any_of(layers.begin(), layers.end(), [](const ReportLayer& layer) {
    return layer.quantized() && layer.learned_rounding;
  });
  return learned ? ChartMeasure::ratio_to_rtn : ChartMeasure::output_error;
}

std::string report_chart(const std::vector<ReportLayer>& layers) {
  const ChartMeasure measure = chart_measure(layers);
  std::map<std::string, std::size_t> type_rank;
  const std::vector<Block> blocks = blocks_of(layers, measure, type_rank);
  if (blocks.empty()) {
    return "<p class=\"empty\">No quantized layer has output errors to chart.</p>\n";
  }
  const Axis axis = axis_for(blocks, measure);
  double width = kLeft + kRight - kBlockGap;
  for (const Block& block : blocks) {
    width += kBlockGap + block.marks.size() * (kBarWidth + kBarGap) - kBarGap;
  }
  std::size_t longest_name = 0;
  for (const Block& block : blocks)
    longest_name = std::max(longest_name, block.name.size());
  const double height = kTop + kPlotHeight + 16.0 + kLabelCharacter * longest_name;
  std::string bands;
  std::string marks;
  double x = kLeft;
  for (std::size_t index = 0; index < blocks.size(); ++index) {
    const Block& block = blocks[index];
    const double block_width = block.marks.size() * (kBarWidth + kBarGap) - kBarGap;
    if (index % 2 == 0) {
      bands += "<rect class=\"band\" x=\"" + pixels(x - kBlockGap / 2.0) + "\" y=\"" +
               pixels(kTop) + "\" width=\"" + pixels(block_width + kBlockGap) + "\" height=\"" +
               pixels(kPlotHeight) + "\"/>\n";
    }
    marks += "<g class=\"block\" data-block=\"" + html_escaped(block.name) + "\">\n";
    for (std::size_t i = 0; i < block.marks.size(); ++i) {
      const std::string& type = block.marks[i].layer->key.type;
      marks += mark_svg(block.marks[i], x + i * (kBarWidth + kBarGap), axis,
                        kPalette[type_rank.at(type) % kPalette.size()], measure);
    }
    marks += "<text class=\"block-label\" transform=\"translate(" + pixels(x + block_width / 2.0) +
             "," + pixels(kTop + kPlotHeight + 8.0) + ") rotate(-90)\">" +
             html_escaped(block.name) + "</text>\n</g>\n";
    x += block_width + kBlockGap;
  }
  return legend_html(type_rank) + "<div class=\"chart-scroll\">\n<svg class=\"chart\" width=\"" +
         pixels(width) + "\" height=\"" + pixels(height) + "\" data-measure=\"" +
         (measure == ChartMeasure::ratio_to_rtn ? "ratio_to_rtn" : "output_error") + "\"" +
         data_number("base", axis.base) + data_number("base-y", axis.y(axis.base)) +
         data_number("pixels-per-unit", axis.pixels_per_unit()) + ">\n" + bands +
         axis_svg(axis, width, measure) + marks + "</svg>\n</div>\n";
}

}  // namespace lrq::host
