#include "block_state.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace lrq::optimizers {
namespace {

// The rows of `basis` [n, k] in consecutive tiles of `tile` rows, [tile, k] each.
std::vector<DeviceTensor> row_tiles(Backend& backend, const DeviceTensor& basis,
                                    std::int64_t tile) {
  std::vector<DeviceTensor> tiles;
  std::vector<std::int64_t> rows(static_cast<std::size_t>(tile));
  for (std::int64_t first = 0; first < basis.shape.at(0); first += tile) {
    std::iota(rows.begin(), rows.end(), first);
    tiles.push_back(backend.gather(basis, rows, {}));
  }
  return tiles;
}

// The tiles run along the shorter side: fewer flops.
bool tiles_along_columns(std::int64_t rows, std::int64_t cols) {
  return cols < rows;
}

}  // namespace

bool block_path_pays(std::int64_t rows, std::int64_t cols, std::int64_t rank,
                     const ScaleLayout& layout) {
  const std::int64_t tiles =
      tiles_along_columns(rows, cols) ? cols / layout.block_cols : rows / layout.block_rows;
  return 3 * rank < 2 * std::max(rows, cols) && tiles * rank * rank <= rows * cols;
}

BlockState::BlockState(Backend& backend, const Subspace& subspace, const ScaleLayout& layout,
                       const std::vector<float>& cell_factors, const DeviceTensor& start_error,
                       SettledRounding& settlement, OffsetsOf offsets_of)
    : backend_(backend),
      start_error_(start_error),
      settlement_(settlement),
      offsets_of_(std::move(offsets_of)),
      column_tiles_(tiles_along_columns(subspace.u.shape.at(0), subspace.v.shape.at(0))),
      error_(backend.zeros(start_error.shape)),
      travel_(backend.zeros(start_error.shape)),
      best_travel_(backend.zeros(start_error.shape)) {
  const std::int64_t rank = subspace.rank;
  const std::int64_t tile = column_tiles_ ? layout.block_cols : layout.block_rows;
  const std::int64_t other_tile = column_tiles_ ? layout.block_rows : layout.block_cols;
  tiles_ = row_tiles(backend, column_tiles_ ? subspace.v : subspace.u, tile);
  const std::vector<DeviceTensor> others =
      row_tiles(backend, column_tiles_ ? subspace.u : subspace.v, other_tile);
  const auto cell_cols = static_cast<std::size_t>(subspace.v.shape.at(0) / layout.block_cols);
  for (std::size_t i = 0; i < tiles_.size(); ++i)
    responses_.push_back(backend.zeros({rank, rank}));
  DeviceTensor gram = backend.zeros({rank, rank});
  for (std::size_t j = 0; j < others.size(); ++j) {
    backend.gemm(1.0f, others[j], Transpose::yes, others[j], Transpose::no, 0.0f, gram);
    for (std::size_t i = 0; i < tiles_.size(); ++i) {
      const float factor =
          column_tiles_ ? cell_factors[j * cell_cols + i] : cell_factors[i * cell_cols + j];
      backend.axpby(factor, gram, 1.0f, responses_[i]);
    }
  }
  turned_ = backend.zeros({tile, rank});
  weighted_ = backend.zeros({tile, rank});
  backend_.axpby(1.0f, start_error_, 0.0f, error_);
}

void BlockState::subtract_response() {
  const Transpose travel_side = column_tiles_ ? Transpose::yes : Transpose::no;
  for (std::size_t i = 0; i < tiles_.size(); ++i) {
    backend_.gemm(1.0f, tiles_[i], Transpose::no, travel_, travel_side, 0.0f, turned_);
    backend_.gemm(1.0f, turned_, Transpose::no, responses_[i], Transpose::no, 0.0f, weighted_);
    if (column_tiles_) {
      backend_.gemm(-1.0f, weighted_, Transpose::yes, tiles_[i], Transpose::no, 1.0f, error_);
    } else {
      backend_.gemm(-1.0f, tiles_[i], Transpose::yes, weighted_, Transpose::no, 1.0f, error_);
    }
  }
}

// As RowState, p is recomputed from the accumulated step rather than updated by each step.
double BlockState::loss() {
  if (!error_current_) {
    backend_.axpby(1.0f, start_error_, 0.0f, error_);
    subtract_response();
    error_current_ = true;
  }
  loss_ = std::sqrt(backend_.sum_of_squares(error_));
  return loss_;
}

void BlockState::remember_best() {
  backend_.axpby(1.0f, travel_, 0.0f, best_travel_);
  best_loss_ = loss_;
}

bool BlockState::settled() {
  if (!settlement_.within_reach(best_loss_) || best_loss_ > 0.5 * expanded_loss_) return false;
  expanded_loss_ = best_loss_;
  return settlement_.holds(offsets_of_(best_travel_), best_loss_);
}

void BlockState::step(double lr) {
  backend_.axpby(static_cast<float>(lr / std::max(loss_, 1e-20)), error_, 1.0f, travel_);
  error_current_ = false;
}

}  // namespace lrq::optimizers
