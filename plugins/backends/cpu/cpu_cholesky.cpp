#include "cpu_cholesky.hpp"

#include <Eigen/Dense>
#include <algorithm>

namespace lrq::cpu {
namespace {

using Eigen::Index;
using RowMajorMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

constexpr Index kColumnsPerTask = 64;
constexpr Index kRowsPerSolveTask = 256;

}  // namespace

bool cholesky_lower(const float* a, std::int64_t n, float* l) {
  const Eigen::MatrixXf matrix = Eigen::Map<const RowMajorMatrix>(a, n, n);
  const Eigen::LLT<Eigen::MatrixXf, Eigen::Lower> factorization(matrix);
  if (factorization.info() != Eigen::Success) return false;
  Eigen::Map<RowMajorMatrix>(l, n, n) = factorization.matrixL().toDenseMatrix();
  return true;
}

void invert_lower_triangular(const float* lower, std::int64_t n, float* inverse, int threads) {
  const Eigen::MatrixXf matrix = Eigen::Map<const RowMajorMatrix>(lower, n, n);
  Eigen::Map<RowMajorMatrix> result(inverse, n, n);
  const Index tasks = (n + kColumnsPerTask - 1) / kColumnsPerTask;
#pragma omp parallel for num_threads(threads) schedule(dynamic) if (tasks > 1)
  for (Index task = 0; task < tasks; ++task) {
    // Column j of the inverse is zero above row j: solve only the trailing part of each chunk.
    const Index first = task * kColumnsPerTask;
    const Index width = std::min(kColumnsPerTask, n - first);
    Eigen::MatrixXf columns = Eigen::MatrixXf::Identity(n - first, width);
    matrix.bottomRightCorner(n - first, n - first)
        .triangularView<Eigen::Lower>()
        .solveInPlace(columns);
    result.block(0, first, first, width).setZero();
    result.block(first, first, n - first, width) = columns;
  }
}

// Row i of x solves lower x_iᵀ = y_iᵀ: read column-major, the row-major x [rows, n] is xᵀ, whose
// columns are those right-hand sides.
void solve_lower_transposed(const float* y, std::int64_t rows, const float* lower, std::int64_t n,
                            float* x, int threads) {
  const Eigen::Map<const RowMajorMatrix> matrix(lower, n, n);
  const Index tasks = (rows + kRowsPerSolveTask - 1) / kRowsPerSolveTask;
#pragma omp parallel for num_threads(threads) schedule(dynamic) if (tasks > 1)
  for (Index task = 0; task < tasks; ++task) {
    const Index first = task * kRowsPerSolveTask;
    const Index width = std::min(kRowsPerSolveTask, rows - first);
    Eigen::Map<Eigen::MatrixXf> columns(x + first * n, n, width);
    columns = Eigen::Map<const Eigen::MatrixXf>(y + first * n, n, width);
    matrix.triangularView<Eigen::Lower>().solveInPlace(columns);
  }
}

}  // namespace lrq::cpu
