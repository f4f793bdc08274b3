#include "pipeline/verdict.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace lrq::host {
namespace {

void add(RatioSummary& summary, double ratio) {
  if (std::isnan(ratio)) return;
  const double total = (summary.layers == 0 ? 0.0 : summary.mean * summary.layers) + ratio;
  ++summary.layers;
  summary.mean = total / static_cast<double>(summary.layers);
  summary.worst = summary.layers == 1 ? ratio : std::max(summary.worst, ratio);
}

std::string times(double ratio) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3fx", ratio);
  return text;
}

const char* inputs_phrase(InputSource source) {
  switch (source) {
    case InputSource::statistics:
      return "the activation statistics";
    case InputSource::holdout:
      return "the held-out statistics";
    case InputSource::synthetic:
      return "synthetic inputs (no statistics: the weight error)";
    case InputSource::none:
      break;
  }
  return "no inputs";
}

}  // namespace

bool OptimizerVerdict::paid() const noexcept {
  return better > 0 && ratio.mean < 1.0;
}

std::vector<OptimizerVerdict> verdicts(const std::vector<LayerOutcome>& layers) {
  std::vector<OptimizerVerdict> found;
  for (const LayerOutcome& layer : layers) {
    if (layer.action != LayerAction::quantize || !layer.learned_rounding) continue;
    auto verdict = std::find_if(found.begin(), found.end(), [&](const OptimizerVerdict& v) {
      return v.optimizer == layer.optimizer_label && v.decided_on == layer.decided_on;
    });
    if (verdict == found.end()) {
      OptimizerVerdict fresh;
      fresh.optimizer = layer.optimizer_label;
      fresh.decided_on = layer.decided_on;
      found.push_back(std::move(fresh));
      verdict = std::prev(found.end());
    }
    ++verdict->layers;
    verdict->better += layer.learned_ratio < 1.0 ? 1 : 0;
    verdict->equal += layer.learned_ratio == 1.0 ? 1 : 0;
    verdict->worse += layer.learned_ratio > 1.0 ? 1 : 0;
    verdict->learned_written += layer.learned_written ? 1 : 0;
    add(verdict->ratio, layer.learned_ratio);
    if (layer.evaluated_on == InputSource::holdout) {
      add(verdict->held_out, layer.learned.output / layer.rtn.output);
    }
  }
  return found;
}

std::string verdict_line(const OptimizerVerdict& verdict) {
  std::string line = verdict.optimizer + ": " + std::to_string(verdict.better) + " of " +
                     std::to_string(verdict.layers) + " layers better than RTN, " +
                     std::to_string(verdict.equal) + " equal, " + std::to_string(verdict.worse) +
                     " worse on " + inputs_phrase(verdict.decided_on) + "; mean " +
                     times(verdict.ratio.mean) + ", worst " + times(verdict.ratio.worst) +
                     "; learned rounding written for " + std::to_string(verdict.learned_written);
  if (verdict.held_out.layers > 0) {
    line += "; held out (" + std::to_string(verdict.held_out.layers) + " layers): mean " +
            times(verdict.held_out.mean) + ", worst " + times(verdict.held_out.worst);
  }
  return line;
}

}  // namespace lrq::host
