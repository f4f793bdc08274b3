#include "subspace.hpp"

#include <algorithm>
#include <cmath>

#include "lrq/error.hpp"
#include "lrq/stages.hpp"
#include "lrq/svd.hpp"

namespace lrq::optimizers {

std::int64_t subspace_rank(const RankSettings& settings, const std::string& weight_name,
                           std::int64_t rows, std::int64_t cols) {
  const std::int64_t full = std::min(rows, cols);
  if (settings.fixed > full) {
    throw Error(ErrorCategory::recipe,
                "optimizer.rank " + std::to_string(settings.fixed) +
                    " is larger than min(rows, cols) = " + std::to_string(full) + " of '" +
                    weight_name + "' " + shape_to_string({rows, cols}));
  }
  if (settings.fixed > 0) return settings.fixed;
  const auto fraction =
      static_cast<std::int64_t>(std::floor(settings.top_p * static_cast<double>(full)));
  return std::min(std::min(settings.max_k, std::max(settings.min_k, fraction)), full);
}

Subspace singular_subspace(Backend& backend, const DeviceTensor& weight,
                           const RankSettings& settings, std::int64_t rank, std::uint64_t seed) {
  const StageScope stage(Stage::svd);
  TruncatedSvd svd = settings.full_matrix
                         ? exact_svd(backend, weight, rank)
                         : randomized_svd(backend, weight,
                                          {rank, settings.oversample,
                                           static_cast<int>(settings.power_iterations), seed});
  // uᵀ w v = diag(singular values) for the exact SVD and for the randomized one alike (its v
  // comes from the exact SVD of the projected weight), so the norm needs no GEMM.
  double squares = 0.0;
  for (float value : svd.singular_values)
    squares += static_cast<double>(value) * value;
  return {std::move(svd.u), std::move(svd.v), rank, std::sqrt(squares)};
}

Projector::Projector(Backend& backend, const Subspace& subspace, std::int64_t rows,
                     std::int64_t cols)
    : backend_(backend),
      subspace_(subspace),
      along_columns_(cols <= rows),
      scratch_(backend.zeros(along_columns_ ? Shape{subspace.rank, cols}
                                            : Shape{rows, subspace.rank})) {}

void Projector::project(float alpha, const DeviceTensor& x, float beta, DeviceTensor& p) {
  const DeviceTensor& u = subspace_.u;
  const DeviceTensor& v = subspace_.v;
  if (along_columns_) {
    backend_.gemm(1.0f, u, Transpose::yes, x, Transpose::no, 0.0f, scratch_);
    backend_.gemm(alpha, scratch_, Transpose::no, v, Transpose::no, beta, p);
  } else {
    backend_.gemm(1.0f, x, Transpose::no, v, Transpose::no, 0.0f, scratch_);
    backend_.gemm(alpha, u, Transpose::yes, scratch_, Transpose::no, beta, p);
  }
}

void Projector::expand(float alpha, const DeviceTensor& p, DeviceTensor& x) {
  const DeviceTensor& u = subspace_.u;
  const DeviceTensor& v = subspace_.v;
  if (along_columns_) {
    backend_.gemm(1.0f, p, Transpose::no, v, Transpose::yes, 0.0f, scratch_);
    backend_.gemm(alpha, u, Transpose::no, scratch_, Transpose::no, 0.0f, x);
  } else {
    backend_.gemm(1.0f, u, Transpose::no, p, Transpose::no, 0.0f, scratch_);
    backend_.gemm(alpha, scratch_, Transpose::no, v, Transpose::yes, 0.0f, x);
  }
}

}  // namespace lrq::optimizers
