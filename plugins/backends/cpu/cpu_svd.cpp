#include "cpu_svd.hpp"

#include <Eigen/Eigenvalues>
#include <Eigen/SVD>

namespace lrq::cpu {
namespace {

using Eigen::Index;
using RowMajorMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

}  // namespace

void square_svd(const float* a, std::int64_t n, float* u, float* s, float* v) {
  const Eigen::MatrixXf matrix = Eigen::Map<const RowMajorMatrix>(a, n, n);
  const Eigen::BDCSVD<Eigen::MatrixXf> svd(matrix, Eigen::ComputeFullU | Eigen::ComputeFullV);
  Eigen::MatrixXf left = svd.matrixU();
  Eigen::MatrixXf right = svd.matrixV();
  for (Index i = 0; i < n; ++i) {
    Index largest = 0;
    left.col(i).cwiseAbs().maxCoeff(&largest);
    if (left(largest, i) < 0.0f) {
      left.col(i) = -left.col(i);
      right.col(i) = -right.col(i);
    }
  }
  Eigen::Map<RowMajorMatrix>(u, n, n) = left;
  Eigen::Map<Eigen::VectorXf>(s, n) = svd.singularValues();
  Eigen::Map<RowMajorMatrix>(v, n, n) = right;
}

void symmetric_eigen(const float* a, std::int64_t n, float* values, float* vectors) {
  const Eigen::MatrixXf matrix = Eigen::Map<const RowMajorMatrix>(a, n, n);
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXf> solver(matrix);
  Eigen::Map<Eigen::VectorXf>(values, n) = solver.eigenvalues();
  Eigen::Map<RowMajorMatrix>(vectors, n, n) = solver.eigenvectors();
}

}  // namespace lrq::cpu
