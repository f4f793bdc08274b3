// original's early exit on the tiled path and the general loop: a test that no later iteration can
// change a code.
//
// original's offsets are delta(D) = -(u D vᵀ) ⊙ w, D the accumulated steps (k x k), and its
// projected error is p(D) = p0 - A(D) with A(D) = uᵀ((u D vᵀ) ⊙ w ⊙ scale) v. As uᵀu = vᵀv = I,
// <D, A(D)> >= m ||D||² with m = min over the scale cells of w scale. Offsets that the loop may
// still remember as its best have a loss below the best loss b, so ||A(D' - D_b)|| <= 2b and
// ||D' - D_b|| <= 2b / m: element (i, j) of the offsets can move by at most
// w_ij ||u_i|| ||v_j|| 2b / m from the best ones. Where that is below the distance of Q0 + delta_b
// to the nearest rounding boundary (at least half the grid's smallest step) in every element, the
// final rounding is already decided.
#pragma once

#include <vector>

#include "lrq/backend.hpp"
#include "subspace.hpp"

namespace lrq::optimizers {

// Q0 + offsets rounded once onto the grid; they are already in the scaled domain, hence a
// multiplier of 1.
DeviceTensor round_onto_grid(Backend& backend, const DeviceTensor& start, DeviceTensor offsets,
                             const Grid& grid);

// Half the smallest distance between two neighbouring values of the grid: 0.5 for integers, half
// the subnormal step for minifloats.
double smallest_half_step(const Grid& grid);

class SettledRounding {
 public:
  // `descent_weights` w per scale cell; `start` Q0; `start_loss` ||p0||.
  SettledRounding(Backend& backend, const Subspace& subspace, const LayerQuantization& quantization,
                  const DeviceTensor& descent_weights, const DeviceTensor& start,
                  double start_loss);

  // Whether the bound's scalar part leaves room for holds() with offsets of loss `best_loss`.
  bool within_reach(double best_loss) const;
  // Whether every offsets the loop may still remember round as `best_offsets` do, `best_loss`
  // being their loss.
  bool holds(const DeviceTensor& best_offsets, double best_loss);

 private:
  Backend& backend_;
  const LayerQuantization& quantization_;
  const DeviceTensor& start_;
  double start_loss_;
  // ||D' - D_b|| may reach this for offsets of best loss `best_loss` (see above).
  double radius(double best_loss) const;

  std::vector<double> reach_;  // per cell: max over its elements of w_ij ||u_i|| ||v_j||
  double max_reach_ = 0.0;
  double min_response_ = 0.0;  // m
  double half_step_;
};

}  // namespace lrq::optimizers
