// The top-k singular subspace of a weight that the loss lives in (docs/learned-rounding.md)
// and the two products the optimizers need: into it (uᵀ x v) and out of it (u p vᵀ).
#pragma once

#include <cstdint>
#include <string>

#include "lrq/backend.hpp"
#include "settings.hpp"

namespace lrq::optimizers {

// k for a [rows, cols] weight: `rank` when set, else min(max_k, max(min_k, floor(top_p r)))
// capped at r = min(rows, cols). Throws lrq::Error (recipe) naming optimizer.rank and the weight
// when a fixed rank exceeds r.
std::int64_t subspace_rank(const RankSettings& settings, const std::string& weight_name,
                           std::int64_t rows, std::int64_t cols);

struct Subspace {
  DeviceTensor u;  // [rows, k], orthonormal columns
  DeviceTensor v;  // [cols, k], orthonormal columns
  std::int64_t rank = 0;
  double weight_norm = 0.0;  // ||uᵀ w v||_F
};

Subspace singular_subspace(Backend& backend, const DeviceTensor& weight,
                           const RankSettings& settings, std::int64_t rank, std::uint64_t seed);

class Projector {
 public:
  Projector(Backend& backend, const Subspace& subspace, std::int64_t rows, std::int64_t cols);

  // p = alpha uᵀ x v + beta p, p [k, k]: one [rows, cols] x k GEMM.
  void project(float alpha, const DeviceTensor& x, float beta, DeviceTensor& p);
  // x = alpha u p vᵀ, x [rows, cols]: one [rows, cols] x k GEMM.
  void expand(float alpha, const DeviceTensor& p, DeviceTensor& x);

 private:
  Backend& backend_;
  const Subspace& subspace_;
  // The k-wide intermediate goes along the shorter side: [k, cols] when cols <= rows, else
  // [rows, k], so the small GEMM costs 2 k^2 min(rows, cols).
  bool along_columns_;
  DeviceTensor scratch_;
};

}  // namespace lrq::optimizers
