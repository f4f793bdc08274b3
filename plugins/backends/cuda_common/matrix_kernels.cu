// Layout changes around cuSOLVER (row-major <-> column-major) and the sign convention of the
// singular vectors.
#include <cstdint>

#include "cuda_check.hpp"
#include "kernel_support.cuh"

namespace lrq::cuda {
namespace {

constexpr int kTile = 32;
constexpr int kTileRowsPerPass = kThreads / kTile;

// 32 x 32 tiles through shared memory, so that both the reads and the writes are coalesced; the
// extra column keeps the transposed reads free of bank conflicts.
__global__ void transpose_tiles(const float* input, std::int64_t rows, std::int64_t cols,
                                float* output) {
  __shared__ float tile[kTile][kTile + 1];
  const std::int64_t row_tiles = (rows + kTile - 1) / kTile;
  const std::int64_t col_tiles = (cols + kTile - 1) / kTile;
  for (std::int64_t t = blockIdx.x; t < row_tiles * col_tiles; t += gridDim.x) {
    const std::int64_t row0 = t / col_tiles * kTile;
    const std::int64_t col0 = t % col_tiles * kTile;
    for (int r = threadIdx.y; r < kTile; r += kTileRowsPerPass) {
      const std::int64_t row = row0 + r;
      const std::int64_t col = col0 + threadIdx.x;
      if (row < rows && col < cols) tile[r][threadIdx.x] = input[row * cols + col];
    }
    __syncthreads();
    // output [cols, rows]: its row is the input's column.
    for (int c = threadIdx.y; c < kTile; c += kTileRowsPerPass) {
      const std::int64_t out_row = col0 + c;
      const std::int64_t out_col = row0 + threadIdx.x;
      if (out_row < cols && out_col < rows) output[out_row * rows + out_col] = tile[threadIdx.x][c];
    }
    __syncthreads();
  }
}

__global__ void upper_triangle_kernel(const float* column_major, std::int64_t ld, std::int64_t n,
                                      float* r) {
  for (std::int64_t i = global_thread(); i < n * n; i += grid_threads()) {
    const std::int64_t row = i / n;
    const std::int64_t col = i % n;
    r[i] = col >= row ? column_major[col * ld + row] : 0.0f;
  }
}

// One block per column of u.
__global__ void sign_pairs(float* u, float* v, std::int64_t n) {
  __shared__ float magnitudes[kThreads];
  __shared__ std::int64_t rows[kThreads];
  const std::int64_t column = blockIdx.x;
  float best = -1.0f;
  std::int64_t best_row = n;
  for (std::int64_t row = threadIdx.x; row < n; row += kThreads) {
    const float magnitude = fabsf(u[row * n + column]);
    if (magnitude > best) {  // strictly: the first of equal magnitudes stays
      best = magnitude;
      best_row = row;
    }
  }
  magnitudes[threadIdx.x] = best;
  rows[threadIdx.x] = best_row;
  __syncthreads();
  for (int stride = kThreads / 2; stride > 0; stride /= 2) {
    if (static_cast<int>(threadIdx.x) < stride) {
      const float other = magnitudes[threadIdx.x + stride];
      const std::int64_t other_row = rows[threadIdx.x + stride];
      if (other > magnitudes[threadIdx.x] ||
          (other == magnitudes[threadIdx.x] && other_row < rows[threadIdx.x])) {
        magnitudes[threadIdx.x] = other;
        rows[threadIdx.x] = other_row;
      }
    }
    __syncthreads();
  }
  const bool flip = rows[0] < n && u[rows[0] * n + column] < 0.0f;
  __syncthreads();  // every thread has read the deciding entry before any negates it
  if (!flip) return;
  for (std::int64_t row = threadIdx.x; row < n; row += kThreads) {
    u[row * n + column] = -u[row * n + column];
    v[row * n + column] = -v[row * n + column];
  }
}

}  // namespace

void transpose(const float* input, std::int64_t rows, std::int64_t cols, float* output,
               cudaStream_t stream) {
  if (rows == 0 || cols == 0) return;
  const std::int64_t tiles = (rows + kTile - 1) / kTile * ((cols + kTile - 1) / kTile);
  const auto blocks = static_cast<unsigned int>(tiles < 65536 ? tiles : 65536);
  transpose_tiles<<<blocks, dim3(kTile, kTileRowsPerPass), 0, stream>>>(input, rows, cols, output);
  check_launch("transpose");
}

void upper_triangle(const float* column_major, std::int64_t ld, std::int64_t n, float* r,
                    cudaStream_t stream) {
  if (n == 0) return;
  upper_triangle_kernel<<<grid_stride_blocks(n * n), kThreads, 0, stream>>>(column_major, ld, n, r);
  check_launch("upper_triangle");
}

void sign_singular_pairs(float* u, float* v, std::int64_t n, cudaStream_t stream) {
  if (n == 0) return;
  sign_pairs<<<static_cast<unsigned int>(n), kThreads, 0, stream>>>(u, v, n);
  check_launch("sign_singular_pairs");
}

}  // namespace lrq::cuda
