// Where the reference tool's optimizers behave differently per grid and scale layout, and where
// lrq corrects it unless the request asks for reference compatibility.
#pragma once

#include "lrq/backend.hpp"
#include "rounding_loop.hpp"
#include "schedule.hpp"
#include "settings.hpp"

namespace lrq::optimizers {

// original's step is delta -= lr G ⊙ w, G the unit gradient with respect to the dequantized error
// E. Per scale cell, w is:
// - reference_compat (docs/learned-rounding.md): the quantization multiplier for fp8 and per-tensor
//   int8; for int8 per-row and per-block one global 127 / max(amax(W), 1e-12).
// - corrected (default): scale / mean(scale²) over the weight. The gradient of the loss with
//   respect to Q is G ⊙ scale (the reference multiplies by the multiplier, i.e. divides by the
//   scale); dividing by mean(scale²) keeps lr's meaning: with one scale per tensor, w is
//   1 / scale, exactly the reference's step.
DeviceTensor descent_weights(Backend& backend, const LayerQuantization& quantization,
                             double weight_absmax, bool reference_compat);

// Whether original's step moves E by exactly -lr G (w ⊙ scale = 1 in every cell, up to float
// rounding), so that the loop runs on a line in k x k space (LineState).
bool error_follows_gradient(const LayerQuantization& quantization, bool reference_compat);

ScheduleRules schedule_rules(Method method, const LayerQuantization& quantization);

LoopOrder loop_order(Method method, bool reference_compat);

}  // namespace lrq::optimizers
