// original's path for block scales. With M = w ⊙ scale constant on [t_r, t_c] tiles, a step
// changes the dequantized error E by -lr (G ⊙ M), G = u p̂ vᵀ, so the projected error follows
// p' = p - lr A(p̂) with A(D) = uᵀ((u D vᵀ) ⊙ M) v = sum over row tiles a of u_aᵀ u_a D N_a,
// u_a the rows of u in tile a and N_a = sum over column tiles b of M_ab v_bᵀ v_b (k x k, formed
// once). As RowState, the loop tracks the accumulated step D = sum of lr p̂, so p = p0 - A(D):
// three [t_r, k] x [k, k] GEMMs per row tile, 6 rows k² flops per iteration against the general
// loop's 4 rows cols k. The tiles run along the shorter side (by symmetry, column tiles with
// A(D) = sum over b of N'_b D v_bᵀ v_b when cols < rows); the offsets are
// delta = -(u D vᵀ) ⊙ w, expanded once at the end.
#pragma once

#include <functional>
#include <limits>
#include <vector>

#include "lrq/backend.hpp"
#include "rounding_loop.hpp"
#include "settled_rounding.hpp"
#include "subspace.hpp"

namespace lrq::optimizers {

// Whether the tiled path costs fewer flops than the general loop (6 min(rows, cols) k² against
// 4 rows cols k) and its N (k² per tile, read every iteration) take no more than one [rows, cols]
// tensor: not so for tiles of one row (fp4's 1 x 32 blocks along the rows, say).
bool block_path_pays(std::int64_t rows, std::int64_t cols, std::int64_t rank,
                     const ScaleLayout& layout);

// The offsets delta = -(u D vᵀ) ⊙ w of an accumulated step D.
using OffsetsOf = std::function<DeviceTensor(const DeviceTensor& travel)>;

class BlockState final : public LoopState {
 public:
  // `cell_factors` M per scale cell, [rows / t_r, cols / t_c]; `start_error` p0 [k, k].
  // `settlement` lets the loop stop once no code can change; `offsets_of` expands D for it.
  BlockState(Backend& backend, const Subspace& subspace, const ScaleLayout& layout,
             const std::vector<float>& cell_factors, const DeviceTensor& start_error,
             SettledRounding& settlement, OffsetsOf offsets_of);

  double loss() override;
  void remember_best() override;
  void step(double lr) override;
  bool settled() override;

  // D of the best iteration: delta_best = -(u D vᵀ) ⊙ w.
  const DeviceTensor& best_travel() const noexcept { return best_travel_; }

 private:
  // error_ -= A(travel_).
  void subtract_response();

  Backend& backend_;
  const DeviceTensor& start_error_;
  SettledRounding& settlement_;
  OffsetsOf offsets_of_;
  bool column_tiles_;                // tiles along the columns (of v) rather than the rows (of u)
  std::vector<DeviceTensor> tiles_;  // u_a (or v_b), [t, k]
  std::vector<DeviceTensor> responses_;  // N_a (or N'_b), [k, k]
  DeviceTensor turned_;                  // u_a D (or v_b Dᵀ), [t, k]
  DeviceTensor weighted_;                // turned_ N_a, [t, k]
  DeviceTensor error_;                   // p of travel_ once `error_current_`
  DeviceTensor travel_;
  DeviceTensor best_travel_;
  double loss_ = 0.0;
  double best_loss_ = 0.0;  // the loss of best_travel_
  // The best loss when settled() last expanded the offsets (which costs about one general-loop
  // step): it expands them again once the best loss has halved.
  double expanded_loss_ = std::numeric_limits<double>::infinity();
  bool error_current_ = true;
};

}  // namespace lrq::optimizers
