// A cuBLASLt configuration for one kind of product: the descriptors and the algorithm the
// heuristic chose, made once per key and reused.
//
// cuBLASLt's matrices are column-major; a row-major [r, c] matrix is the column-major [c, r]
// matrix of its transpose. So c [m, n] = op(a) op(b) is computed as the column-major product
// cᵀ [n, m] = op(b)ᵀ op(a)ᵀ: gemm's b is cuBLASLt's A and gemm's a its B, with the same transpose
// flags, and no data moves.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>

#include "cublaslt_handles.hpp"
#include "gemm_problem.hpp"

namespace lrq::cublaslt {

struct PlanKey {
  std::int64_t m = 0;
  std::int64_t n = 0;
  std::int64_t k = 0;
  bool transpose_a = false;
  bool transpose_b = false;
  bool tf32 = false;
  // The largest power of two (4 to 256) dividing each address: the heuristic only offers kernels
  // whose vector loads these alignments allow.
  std::uint32_t align_a = 0;
  std::uint32_t align_b = 0;
  std::uint32_t align_c = 0;

  auto operator<=>(const PlanKey&) const = default;
};

struct MatmulPlan {
  MatmulDesc desc;
  MatrixLayout a;  // cuBLASLt's A: gemm's b
  MatrixLayout b;  // cuBLASLt's B: gemm's a
  MatrixLayout c;  // C and D alike: gemm's c, updated in place
  cublasLtMatmulAlgo_t algo{};
};

PlanKey plan_key(const cuda::GemmProblem& problem, bool tf32);

// Asks the heuristic for algorithms that fit in `workspace_bytes` and do no split-k reduction, and
// takes the first (best ranked) one. Throws lrq::Error (unsupported) when there is none.
MatmulPlan make_plan(cublasLtHandle_t context, const PlanKey& key, std::size_t workspace_bytes);

}  // namespace lrq::cublaslt
