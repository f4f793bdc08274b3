// The factor GPTQ rounds with: the upper-triangular U with (P H Pᵀ + λI)⁻¹ = UᵀU, P the order in
// which the columns are rounded and λ the damping.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "lrq/backend.hpp"
#include "lrq/optimizer.hpp"

namespace lrq::optimizers {

// Columns by decreasing diag(H) (GPTQ's "act order": the most active inputs are rounded first,
// while the most columns are left to absorb their error), ties by index; or the identity.
std::vector<std::int64_t> rounding_order(const std::vector<float>& diagonal, bool by_activity);

struct HessianFactor {
  DeviceTensor upper;    // U [cols, cols]
  double damping = 0.0;  // λ, as used
  int retries = 0;       // times λ was raised tenfold because H + λI was not positive definite
};

// U for the columns in `order`, with λ = damp · mean(diag H), raised tenfold up to 4 times until
// the factorization succeeds; nothing when it never does. H = J(P H Pᵀ + λI)J with J the
// reversal has the lower Cholesky factor L, and then U = J L⁻¹ J: one factorization, one
// triangular inverse.
std::optional<HessianFactor> hessian_factor(Backend& backend, const InputStatistics& inputs,
                                            const std::vector<std::int64_t>& order, double damp);

}  // namespace lrq::optimizers
