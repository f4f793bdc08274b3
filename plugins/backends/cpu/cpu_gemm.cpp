#include "cpu_gemm.hpp"

#include <Eigen/Core>
#include <algorithm>

namespace lrq::cpu {
namespace {

using Eigen::Dynamic;
using Eigen::Index;
using Eigen::OuterStride;
template <int Order>
using ConstMap = Eigen::Map<const Eigen::Matrix<float, Dynamic, Dynamic, Order>, Eigen::Unaligned,
                            OuterStride<>>;
using OutputMap = Eigen::Map<Eigen::Matrix<float, Dynamic, Dynamic, Eigen::RowMajor>,
                             Eigen::Unaligned, OuterStride<>>;

// Large enough that Eigen's packing and blocking run at full speed inside a tile, small enough
// that a 3072-row product still makes a few dozen tiles.
constexpr Index kTileRows = 128;
constexpr Index kTileCols = 256;

// Calls use(op(x)) with op(x) as an Eigen view: a row-major map of x, or the column-major map of
// the same memory that reads it transposed.
template <class Use>
void with_operand(const GemmOperand& x, Use use) {
  const MatrixShape used = x.used();
  if (x.transposed) {
    use(ConstMap<Eigen::ColMajor>(x.data, used.rows, used.cols, OuterStride<>(x.stored.cols)));
  } else {
    use(ConstMap<Eigen::RowMajor>(x.data, used.rows, used.cols, OuterStride<>(x.stored.cols)));
  }
}

template <class Lhs, class Rhs>
void tiled_product(float alpha, const Lhs& lhs, const Rhs& rhs, float beta, OutputMap& c,
                   int threads) {
  const Index row_tiles = (c.rows() + kTileRows - 1) / kTileRows;
  const Index col_tiles = (c.cols() + kTileCols - 1) / kTileCols;
#pragma omp parallel for num_threads(threads) schedule(dynamic) if (row_tiles * col_tiles > 1)
  for (Index tile = 0; tile < row_tiles * col_tiles; ++tile) {
    const Index row = (tile / col_tiles) * kTileRows;
    const Index col = (tile % col_tiles) * kTileCols;
    const Index rows = std::min(kTileRows, c.rows() - row);
    const Index cols = std::min(kTileCols, c.cols() - col);
    auto target = c.block(row, col, rows, cols);
    const auto lhs_rows = lhs.middleRows(row, rows);
    const auto rhs_cols = rhs.middleCols(col, cols);
    if (beta == 0.0f) {
      target.noalias() = alpha * lhs_rows * rhs_cols;
    } else {
      if (beta != 1.0f) target *= beta;
      target.noalias() += alpha * lhs_rows * rhs_cols;
    }
  }
}

}  // namespace

void gemm_f32(float alpha, const GemmOperand& a, const GemmOperand& b, float beta, float* c,
              int threads) {
  const MatrixShape shape{a.used().rows, b.used().cols};
  OutputMap output(c, shape.rows, shape.cols, OuterStride<>(shape.cols));
  with_operand(a, [&](const auto& lhs) {
    with_operand(b,
                 [&](const auto& rhs) { tiled_product(alpha, lhs, rhs, beta, output, threads); });
  });
}

}  // namespace lrq::cpu
