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
  return better > 0 && versus_rtn(ratio.mean) == VersusRtn::better;
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
      fresh.optimizer_name = layer.optimizer;
      fresh.decided_on = layer.decided_on;
      found.push_back(std::move(fresh));
      verdict = std::prev(found.end());
    }
    ++verdict->layers;
    const VersusRtn versus = versus_rtn(layer.learned_ratio);
    verdict->better += versus == VersusRtn::better ? 1 : 0;
    verdict->equal += versus == VersusRtn::equal ? 1 : 0;
    verdict->worse += versus == VersusRtn::worse ? 1 : 0;
    verdict->learned_written += layer.learned_written ? 1 : 0;
    add(verdict->ratio, layer.learned_ratio);
    if (layer.evaluated_on == InputSource::holdout) {
      add(verdict->held_out, layer.learned.output / layer.rtn.output);
    }
  }
  return found;
}

std::string did_not_pay_warning(const OptimizerVerdict& verdict) {
  std::string warning = "learned rounding with '" + verdict.optimizer +
                        "' did not pay: " + std::to_string(verdict.better) + " of " +
                        std::to_string(verdict.layers) + " layers beat round-to-nearest (mean " +
                        times(verdict.ratio.mean) + "); round-to-nearest was written for " +
                        std::to_string(verdict.layers - verdict.learned_written);
  if (verdict.decided_on == InputSource::synthetic) {
    warning +=
        ". Without activation statistics round-to-nearest is the best rounding there is for the "
        "expected output error; record statistics (lrq_capture) and use gptq";
  }
  return warning;
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
