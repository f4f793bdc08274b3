#include "settled_rounding.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <span>

#include "host_values.hpp"

namespace lrq::optimizers {
namespace {

// Float32 slack: the losses' rounding error is about 1e-7 of the start loss (the loop's losses
// bottom out there), and the offsets' accumulated rounding stays far below 1e-3 of a half step.
constexpr double kLossSlack = 1e-5;
constexpr double kUsableHalfStep = 0.999;

// ||x_i|| of every row of a row-major [rows, k] basis, grouped by `group` rows: the largest of
// each group.
std::vector<double> largest_row_norms(const std::vector<float>& basis, std::int64_t rows,
                                      std::int64_t group) {
  const auto k = static_cast<std::int64_t>(basis.size()) / rows;
  std::vector<double> largest(static_cast<std::size_t>(rows / group), 0.0);
  for (std::int64_t row = 0; row < rows; ++row) {
    double squares = 0.0;
    for (const float value :
         std::span(basis).subspan(static_cast<std::size_t>(row * k), static_cast<std::size_t>(k)))
      squares += static_cast<double>(value) * value;
    double& cell = largest[static_cast<std::size_t>(row / group)];
    cell = std::max(cell, std::sqrt(squares));
  }
  return largest;
}

// Values of the scaled domain rounded onto the grid, hence a multiplier of 1.
DeviceTensor nearest_on_grid(Backend& backend, const DeviceTensor& values, const Grid& grid) {
  const float unit = 1.0f;
  const DeviceTensor multiplier =
      backend.upload(TensorView{DType::F32, {1, 1}, std::as_bytes(std::span(&unit, 1))});
  return backend.quantize(values, multiplier, ScaleLayout::per_tensor(), grid);
}

}  // namespace

DeviceTensor round_onto_grid(Backend& backend, const DeviceTensor& start, DeviceTensor offsets,
                             const Grid& grid) {
  backend.axpby(1.0f, start, 1.0f, offsets);
  return nearest_on_grid(backend, offsets, grid);
}

double smallest_half_step(const Grid& grid) {
  if (grid.family == GridFamily::integer) return 0.5;
  return 0.5 * std::ldexp(1.0, 1 - grid.exponent_bias - grid.mantissa_bits);
}

SettledRounding::SettledRounding(Backend& backend, const Subspace& subspace,
                                 const LayerQuantization& quantization,
                                 const DeviceTensor& descent_weights, const DeviceTensor& start,
                                 double start_loss)
    : backend_(backend),
      quantization_(quantization),
      start_(start),
      start_loss_(start_loss),
      half_step_(smallest_half_step(quantization.grid)) {
  const std::int64_t rows = start.shape.at(0);
  const std::int64_t cols = start.shape.at(1);
  const Shape cells = quantization.layout.cells(rows, cols);
  const std::vector<double> row_reach =
      largest_row_norms(download_floats(backend, subspace.u), rows, rows / cells.at(0));
  const std::vector<double> col_reach =
      largest_row_norms(download_floats(backend, subspace.v), cols, cols / cells.at(1));
  const std::vector<float> weights = download_floats(backend, descent_weights);
  const std::vector<float> scales = download_floats(backend, quantization.scale);
  min_response_ = std::numeric_limits<double>::infinity();
  reach_.resize(weights.size());
  for (std::size_t cell = 0; cell < weights.size(); ++cell) {
    const auto cell_row = static_cast<std::size_t>(static_cast<std::int64_t>(cell) / cells.at(1));
    const auto cell_col = static_cast<std::size_t>(static_cast<std::int64_t>(cell) % cells.at(1));
    reach_[cell] = std::abs(weights[cell]) * row_reach[cell_row] * col_reach[cell_col];
    max_reach_ = std::max(max_reach_, reach_[cell]);
    min_response_ = std::min(min_response_, static_cast<double>(weights[cell]) * scales[cell]);
  }
}

double SettledRounding::radius(double best_loss) const {
  return 2.0 * (best_loss + kLossSlack * start_loss_) / min_response_;
}

bool SettledRounding::within_reach(double best_loss) const {
  return min_response_ > 0.0 && max_reach_ * radius(best_loss) < kUsableHalfStep * half_step_;
}

bool SettledRounding::holds(const DeviceTensor& best_offsets, double best_loss) {
  if (!within_reach(best_loss)) return false;
  // Q0 + delta_b exactly as the final rounding forms it, and its distance to its rounding.
  DeviceTensor position = backend_.zeros(best_offsets.shape);
  backend_.axpby(1.0f, best_offsets, 0.0f, position);
  backend_.axpby(1.0f, start_, 1.0f, position);
  backend_.axpby(-1.0f, nearest_on_grid(backend_, position, quantization_.grid), 1.0f, position);
  const std::vector<float> distances =
      download_floats(backend_, backend_.absmax(position, quantization_.layout));
  const double reach = radius(best_loss);
  for (std::size_t cell = 0; cell < distances.size(); ++cell) {
    if (distances[cell] + reach_[cell] * reach >= kUsableHalfStep * half_step_) return false;
  }
  return true;
}

}  // namespace lrq::optimizers
