// Device-side pieces both matrix-product kernels use: an operand as the kernels see it, and the
// order in which blocks walk the tiles of c.
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>

#include "gemm_problem.hpp"

namespace lrq::cuda::detail {

// A row-major matrix as stored: element (row, col) at data[row * ld + col], ld == cols.
struct Operand {
  const float* data = nullptr;
  std::int64_t ld = 0;
  int rows = 0;
  int cols = 0;
  bool vector_loads = false;  // 16-byte loads of four columns are aligned
};

inline bool aligned16(const void* pointer) {
  return reinterpret_cast<std::uintptr_t>(pointer) % 16 == 0;
}

// op(a) is [m, k], so a is stored [m, k], or [k, m] when transposed (likewise b).
inline Operand operand_a(const GemmProblem& p) {
  const auto rows = static_cast<int>(p.transpose_a ? p.k : p.m);
  return {p.a, p.lda, rows, static_cast<int>(p.lda), p.lda % 4 == 0 && aligned16(p.a)};
}

inline Operand operand_b(const GemmProblem& p) {
  const auto rows = static_cast<int>(p.transpose_b ? p.n : p.k);
  return {p.b, p.ldb, rows, static_cast<int>(p.ldb), p.ldb % 4 == 0 && aligned16(p.b)};
}

// Blocks that run together take the tiles of a few consecutive tile rows column by column, so
// that the panels of a and b they read stay in L2.
struct TileOrder {
  int tiles_m = 0;
  int tiles_n = 0;

  __device__ int2 tile(int linear) const {
    constexpr int kGroupRows = 8;
    const int per_group = kGroupRows * tiles_n;
    const int first_row = (linear / per_group) * kGroupRows;
    const int rows = min(tiles_m - first_row, kGroupRows);
    const int within = linear % per_group;
    return make_int2(first_row + within % rows, within / rows);  // (tile row, tile column)
  }
};

}  // namespace lrq::cuda::detail
