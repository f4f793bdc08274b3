#include "cpu_qr.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <vector>

namespace lrq::cpu {
namespace {

using Eigen::Index;
using Eigen::MatrixXf;
using RowMajorMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

constexpr Index kPanelColumns = 32;
// Tall enough for efficient products, short enough for a few dozen tasks on a 3072-row matrix.
constexpr Index kRowsPerTask = 128;

// H_1 H_2 ... H_b = I - V T V^T for the panel's reflectors H_i = I - tau_i v_i v_i^T, starting at
// row `first` of the matrix.
struct BlockReflector {
  Index first = 0;
  MatrixXf v;  // [rows - first, b], unit lower trapezoidal
  MatrixXf t;  // [b, b], upper triangular
};

// The block reflector of a panel that HouseholderQR factored in place (reflectors below the
// diagonal, their leading 1 implicit).
BlockReflector block_reflector(Index first, const Eigen::Ref<const MatrixXf>& panel,
                               const Eigen::VectorXf& tau) {
  const Index b = panel.cols();
  BlockReflector reflector{first, panel, MatrixXf::Zero(b, b)};
  for (Index j = 0; j < b; ++j) {
    reflector.v.col(j).head(j).setZero();
    reflector.v(j, j) = 1.0f;
  }
  MatrixXf gram = MatrixXf::Zero(b, b);
  gram.selfadjointView<Eigen::Upper>().rankUpdate(reflector.v.transpose());
  // T[:i, i] = -tau_i T[:i, :i] V[:, :i]^T v_i (the forward recurrence of Schreiber and Van Loan).
  for (Index i = 0; i < b; ++i) {
    reflector.t(i, i) = tau(i);
    if (i > 0) {
      auto column = reflector.t.col(i).head(i);
      column.noalias() =
          reflector.t.topLeftCorner(i, i).triangularView<Eigen::Upper>() * gram.col(i).head(i);
      column *= -tau(i);
    }
  }
  return reflector;
}

// Calls body(first_row, row_count) for each task's chunk of `rows`, the tasks spread over the
// threads.
template <class Body>
void for_each_row_chunk(Index rows, int threads, Body body) {
  const Index tasks = (rows + kRowsPerTask - 1) / kRowsPerTask;
#pragma omp parallel for num_threads(threads) schedule(dynamic) if (tasks > 1)
  for (Index task = 0; task < tasks; ++task) {
    const Index first = task * kRowsPerTask;
    body(first, std::min(kRowsPerTask, rows - first));
  }
}

// target = (I - V T V^T) target, or (I - V T^T V^T) target when `transposed`; target's rows are
// the reflector's.
template <class Matrix>
void apply(const BlockReflector& reflector, bool transposed, Eigen::Ref<Matrix> target,
           int threads) {
  const Index rows = target.rows();
  std::vector<MatrixXf> partial(static_cast<std::size_t>((rows + kRowsPerTask - 1) / kRowsPerTask),
                                MatrixXf(reflector.v.cols(), target.cols()));
  for_each_row_chunk(rows, threads, [&](Index first, Index count) {
    partial[static_cast<std::size_t>(first / kRowsPerTask)].noalias() =
        reflector.v.middleRows(first, count).transpose() * target.middleRows(first, count);
  });
  MatrixXf projected = std::move(partial.front());  // V^T target
  for (std::size_t task = 1; task < partial.size(); ++task)
    projected += partial[task];
  MatrixXf weighted;
  if (transposed) {
    weighted.noalias() = reflector.t.transpose().triangularView<Eigen::Lower>() * projected;
  } else {
    weighted.noalias() = reflector.t.triangularView<Eigen::Upper>() * projected;
  }
  for_each_row_chunk(rows, threads, [&](Index first, Index count) {
    target.middleRows(first, count).noalias() -= reflector.v.middleRows(first, count) * weighted;
  });
}

}  // namespace

void householder_qr(const float* a, MatrixShape shape, float* q, float* r, int threads) {
  const Index m = shape.rows;
  const Index n = shape.cols;
  MatrixXf work = Eigen::Map<const RowMajorMatrix>(a, m, n);
  std::vector<BlockReflector> reflectors;
  for (Index first = 0; first < n; first += kPanelColumns) {
    const Index b = std::min(kPanelColumns, n - first);
    Eigen::Ref<MatrixXf> panel = work.block(first, first, m - first, b);
    const Eigen::HouseholderQR<Eigen::Ref<MatrixXf>> factored(panel);
    reflectors.push_back(block_reflector(first, panel, factored.hCoeffs()));
    if (first + b < n) {
      apply<MatrixXf>(reflectors.back(), true,
                      work.block(first, first + b, m - first, n - first - b), threads);
    }
  }
  Eigen::Map<RowMajorMatrix>(r, n, n) = work.topRows(n).triangularView<Eigen::Upper>();

  // Q = H_1 ... H_n [I; 0], the blocks applied last to first; columns left of a block's first
  // row are still zero below it, so each block touches only its trailing square.
  Eigen::Map<RowMajorMatrix> thin_q(q, m, n);
  thin_q.setIdentity();
  for (auto it = reflectors.rbegin(); it != reflectors.rend(); ++it) {
    apply<RowMajorMatrix>(
        *it, false, thin_q.block(it->first, it->first, m - it->first, n - it->first), threads);
  }
}

}  // namespace lrq::cpu
