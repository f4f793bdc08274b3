// Gathering rows and columns of a row-major float matrix, and adding to its diagonal, for the cpu
// backend (parallel with OpenMP; element-wise, so the same bits whatever the thread count).
#pragma once

#include <cstdint>
#include <span>

#include "cpu_kernels.hpp"

namespace lrq::cpu {

// b [rows.size() or shape.rows, cols.size() or shape.cols] = a[rows[i], cols[j]]; -1 gives 0, an
// empty list is the identity. Indices already checked.
void gather_f32(const float* a, MatrixShape shape, std::span<const std::int64_t> rows,
                std::span<const std::int64_t> cols, float* b, int threads);

// a[i, i] += d[i] for a [n, n].
void add_diagonal_f32(float* a, std::int64_t n, const float* d);

}  // namespace lrq::cpu
