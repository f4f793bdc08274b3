// FP32 matrix product on CUDA cores. A block computes a kTileM x kTileN tile of c, each thread an
// 8 x 8 block of it in registers: per k step it reads 8 values of op(a) and 8 of op(b) from shared
// memory (four 16-byte loads) for 64 FFMAs. Tiles of kTileK = 8 along k go through two
// shared-memory buffers: the next tile is fetched into registers while the current one is used,
// so one barrier per tile suffices. Each c element is the sum over k in increasing order.
#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "gemm_kernels.hpp"
#include "gemm_tiles.cuh"

namespace lrq::cuda {
namespace {

using detail::Operand;
using detail::TileOrder;

constexpr int kTileK = 8;
constexpr int kPerThread = 8;
// Rows of the shared tiles are padded by 4 floats: the transposing stores of a k-contiguous
// operand then fall in distinct banks, and rows stay 16-byte aligned for the float4 reads.
constexpr int kPad = 4;

// One [kRows, kCols] tile of a stored operand in registers, four consecutive columns per chunk;
// elements outside the matrix are zero, so edge tiles need no other care.
template <int kRows, int kCols, int kThreads, bool kVector>
struct TileRegisters {
  static constexpr int kChunksPerRow = kCols / 4;
  static constexpr int kChunks = kRows * kChunksPerRow / kThreads;
  static_assert(kCols % 4 == 0 && kRows * kChunksPerRow % kThreads == 0);

  float4 chunk[kChunks];

  __device__ void load(const Operand& x, int row0, int col0) {
#pragma unroll
    for (int i = 0; i < kChunks; ++i) {
      const int index = static_cast<int>(threadIdx.x) + i * kThreads;
      const int row = row0 + index / kChunksPerRow;
      const int col = col0 + (index % kChunksPerRow) * 4;
      const std::int64_t offset = row * x.ld + col;
      if constexpr (kVector) {
        // cols is a multiple of 4 here: a chunk lies wholly inside the matrix or wholly outside.
        chunk[i] = row < x.rows && col < x.cols
                       ? __ldg(reinterpret_cast<const float4*>(x.data + offset))
                       : make_float4(0.0f, 0.0f, 0.0f, 0.0f);
      } else {
        const bool row_inside = row < x.rows;
        chunk[i].x = row_inside && col < x.cols ? __ldg(x.data + offset) : 0.0f;
        chunk[i].y = row_inside && col + 1 < x.cols ? __ldg(x.data + offset + 1) : 0.0f;
        chunk[i].z = row_inside && col + 2 < x.cols ? __ldg(x.data + offset + 2) : 0.0f;
        chunk[i].w = row_inside && col + 3 < x.cols ? __ldg(x.data + offset + 3) : 0.0f;
      }
    }
  }

  // Element (r, c) of the tile goes to shared[r * stride + c], or shared[c * stride + r] when
  // kTransposed.
  template <bool kTransposed>
  __device__ void store(float* shared, int stride) const {
#pragma unroll
    for (int i = 0; i < kChunks; ++i) {
      const int index = static_cast<int>(threadIdx.x) + i * kThreads;
      const int r = index / kChunksPerRow;
      const int c = (index % kChunksPerRow) * 4;
      if constexpr (kTransposed) {
        shared[c * stride + r] = chunk[i].x;
        shared[(c + 1) * stride + r] = chunk[i].y;
        shared[(c + 2) * stride + r] = chunk[i].z;
        shared[(c + 3) * stride + r] = chunk[i].w;
      } else {
        *reinterpret_cast<float4*>(shared + r * stride + c) = chunk[i];
      }
    }
  }
};

struct Output {
  float* data;
  int m;
  int n;
  float alpha;
  float beta;
  bool vector_stores;  // n % 4 == 0 and data 16-byte aligned
};

template <int kTileM, int kTileN>
constexpr int kThreadsFor = (kTileM / kPerThread) * (kTileN / kPerThread);
// Blocks that should fit on a multiprocessor at once: two of 256 threads caps registers at 128 a
// thread; the smaller tiles, which exist for grids too small to fill the GPU anyway, get more
// registers rather than more blocks.
template <int kThreads>
constexpr int kMinBlocks = kThreads >= 256 ? 2 : (kThreads >= 128 ? 3 : 6);

template <int kTileM, int kTileN, bool kTransposeA, bool kTransposeB, bool kVector>
__global__ void __launch_bounds__(kThreadsFor<kTileM, kTileN>,
                                  kMinBlocks<kThreadsFor<kTileM, kTileN>>)
    gemm_f32_kernel(Operand a, Operand b, Output c, int k, TileOrder order) {
  constexpr int kThreadsN = kTileN / kPerThread;
  constexpr int kThreads = kThreadsFor<kTileM, kTileN>;
  constexpr int kStrideA = kTileM + kPad;
  constexpr int kStrideB = kTileN + kPad;
  // op(a)'s [kTileM, kTileK] tile is a [kTileK, kTileM] tile of a when a is transposed, and
  // likewise for b. Shared memory holds both k-major: a_shared[kk][i] = op(a)(m0 + i, k0 + kk),
  // b_shared[kk][j] = op(b)(k0 + kk, n0 + j).
  using TileA = std::conditional_t<kTransposeA, TileRegisters<kTileK, kTileM, kThreads, kVector>,
                                   TileRegisters<kTileM, kTileK, kThreads, kVector>>;
  using TileB = std::conditional_t<kTransposeB, TileRegisters<kTileN, kTileK, kThreads, kVector>,
                                   TileRegisters<kTileK, kTileN, kThreads, kVector>>;
  __shared__ __align__(16) float a_shared[2][kTileK * kStrideA];
  __shared__ __align__(16) float b_shared[2][kTileK * kStrideB];

  const int2 tile = order.tile(static_cast<int>(blockIdx.x));
  const int m0 = tile.x * kTileM;
  const int n0 = tile.y * kTileN;
  const int tx = static_cast<int>(threadIdx.x) % kThreadsN;
  const int ty = static_cast<int>(threadIdx.x) / kThreadsN;

  TileA a_next;
  TileB b_next;
  const auto fetch = [&](int k0) {
    if constexpr (kTransposeA) {
      a_next.load(a, k0, m0);
    } else {
      a_next.load(a, m0, k0);
    }
    if constexpr (kTransposeB) {
      b_next.load(b, n0, k0);
    } else {
      b_next.load(b, k0, n0);
    }
  };
  const auto stash = [&](int buffer) {
    a_next.template store<!kTransposeA>(a_shared[buffer], kStrideA);
    b_next.template store<kTransposeB>(b_shared[buffer], kStrideB);
  };

  // Thread (tx, ty) owns rows ty*4 + {0..3} and kTileM/2 + ty*4 + {0..3} of the tile, and the
  // same pattern of columns: the four threads' float4 reads of a row then cover it contiguously.
  float acc[kPerThread][kPerThread] = {};
  const int tiles = (k + kTileK - 1) / kTileK;
  if (tiles > 0) {
    fetch(0);
    stash(0);
  }
  __syncthreads();
  for (int t = 0; t < tiles; ++t) {
    const int buffer = t & 1;
    const bool more = t + 1 < tiles;
    if (more) fetch((t + 1) * kTileK);
    const float* as = a_shared[buffer];
    const float* bs = b_shared[buffer];
#pragma unroll
    for (int kk = 0; kk < kTileK; ++kk) {
      const float4 a_low = *reinterpret_cast<const float4*>(as + kk * kStrideA + ty * 4);
      const float4 a_high =
          *reinterpret_cast<const float4*>(as + kk * kStrideA + kTileM / 2 + ty * 4);
      const float4 b_low = *reinterpret_cast<const float4*>(bs + kk * kStrideB + tx * 4);
      const float4 b_high =
          *reinterpret_cast<const float4*>(bs + kk * kStrideB + kTileN / 2 + tx * 4);
      const float av[kPerThread] = {a_low.x,  a_low.y,  a_low.z,  a_low.w,
                                    a_high.x, a_high.y, a_high.z, a_high.w};
      const float bv[kPerThread] = {b_low.x,  b_low.y,  b_low.z,  b_low.w,
                                    b_high.x, b_high.y, b_high.z, b_high.w};
#pragma unroll
      for (int i = 0; i < kPerThread; ++i) {
#pragma unroll
        for (int j = 0; j < kPerThread; ++j)
          acc[i][j] = fmaf(av[i], bv[j], acc[i][j]);
      }
    }
    if (more) stash(buffer ^ 1);
    __syncthreads();
  }

#pragma unroll
  for (int i = 0; i < kPerThread; ++i) {
    const int row = m0 + (i < 4 ? ty * 4 + i : kTileM / 2 + ty * 4 + i - 4);
    if (row >= c.m) continue;
    float* c_row = c.data + static_cast<std::int64_t>(row) * c.n;
#pragma unroll
    for (int half = 0; half < 2; ++half) {
      const int col = n0 + half * (kTileN / 2) + tx * 4;
      float v[4];
#pragma unroll
      for (int q = 0; q < 4; ++q)
        v[q] = c.alpha * acc[i][half * 4 + q];
      if (c.vector_stores && col < c.n) {
        auto* target = reinterpret_cast<float4*>(c_row + col);
        if (c.beta != 0.0f) {
          const float4 old = *target;
          v[0] = fmaf(c.beta, old.x, v[0]);
          v[1] = fmaf(c.beta, old.y, v[1]);
          v[2] = fmaf(c.beta, old.z, v[2]);
          v[3] = fmaf(c.beta, old.w, v[3]);
        }
        *target = make_float4(v[0], v[1], v[2], v[3]);
      } else if (!c.vector_stores) {
#pragma unroll
        for (int q = 0; q < 4; ++q) {
          if (col + q >= c.n) break;
          c_row[col + q] = c.beta != 0.0f ? fmaf(c.beta, c_row[col + q], v[q]) : v[q];
        }
      }
    }
  }
}

template <int kTileM, int kTileN, bool kTransposeA, bool kTransposeB, bool kVector>
cudaError_t launch(const GemmProblem& p, cudaStream_t stream) {
  const TileOrder order{static_cast<int>((p.m + kTileM - 1) / kTileM),
                        static_cast<int>((p.n + kTileN - 1) / kTileN)};
  const std::int64_t blocks = static_cast<std::int64_t>(order.tiles_m) * order.tiles_n;
  if (blocks > 0x7fffffff) return cudaErrorInvalidConfiguration;
  const Output c{p.c,
                 static_cast<int>(p.m),
                 static_cast<int>(p.n),
                 p.alpha,
                 p.beta,
                 p.n % 4 == 0 && detail::aligned16(p.c)};
  gemm_f32_kernel<kTileM, kTileN, kTransposeA, kTransposeB, kVector>
      <<<static_cast<unsigned>(blocks), kThreadsFor<kTileM, kTileN>, 0, stream>>>(
          detail::operand_a(p), detail::operand_b(p), c, static_cast<int>(p.k), order);
  return cudaGetLastError();
}

template <int kTileM, int kTileN, bool kTransposeA, bool kTransposeB>
cudaError_t launch_aligned(const GemmProblem& p, cudaStream_t stream) {
  // 16-byte loads only when both operands allow them: one load path per kernel keeps it within
  // the 128 registers that two resident blocks leave each thread.
  const bool vector = detail::operand_a(p).vector_loads && detail::operand_b(p).vector_loads;
  return vector ? launch<kTileM, kTileN, kTransposeA, kTransposeB, true>(p, stream)
                : launch<kTileM, kTileN, kTransposeA, kTransposeB, false>(p, stream);
}

template <int kTileM, int kTileN>
cudaError_t launch_tile(const GemmProblem& p, cudaStream_t stream) {
  if (p.transpose_a) {
    return p.transpose_b ? launch_aligned<kTileM, kTileN, true, true>(p, stream)
                         : launch_aligned<kTileM, kTileN, true, false>(p, stream);
  }
  return p.transpose_b ? launch_aligned<kTileM, kTileN, false, true>(p, stream)
                       : launch_aligned<kTileM, kTileN, false, false>(p, stream);
}

struct TileShape {
  int m;
  int n;
  // Throughput relative to 128 x 128 with the GPU full (measured on an H100): smaller tiles load
  // more per FFMA and synchronize more often.
  double efficiency;
};

constexpr std::array<TileShape, 3> kShapes = {{{128, 128, 1.0}, {128, 64, 0.89}, {64, 64, 0.87}}};

template <int kTileM, int kTileN>
int resident_blocks() {
  int blocks = 0;
  const cudaError_t status = cudaOccupancyMaxActiveBlocksPerMultiprocessor(
      &blocks, gemm_f32_kernel<kTileM, kTileN, false, false, true>, kThreadsFor<kTileM, kTileN>, 0);
  return status == cudaSuccess ? blocks : 0;
}

}  // namespace

F32Occupancy query_f32_occupancy(int device) {
  F32Occupancy occupancy;
  if (cudaDeviceGetAttribute(&occupancy.multiprocessors, cudaDevAttrMultiProcessorCount, device) !=
      cudaSuccess) {
    occupancy.multiprocessors = 1;
  }
  occupancy.resident = {resident_blocks<128, 128>(), resident_blocks<128, 64>(),
                        resident_blocks<64, 64>()};
  static_cast<void>(cudaGetLastError());  // a failed query only leaves a shape out
  return occupancy;
}

cudaError_t launch_gemm_f32(const GemmProblem& problem, const F32Occupancy& occupancy,
                            cudaStream_t stream) {
  // Blocks run in waves of resident * multiprocessors; a last partial wave leaves the rest of the
  // GPU idle. Score each shape by its efficiency times the fraction of its waves' slots used.
  std::size_t best = 0;
  double best_score = -1.0;
  for (std::size_t i = 0; i < kShapes.size(); ++i) {
    const std::int64_t slots = std::int64_t{occupancy.resident[i]} * occupancy.multiprocessors;
    if (slots <= 0) continue;
    const std::int64_t tiles = ((problem.m + kShapes[i].m - 1) / kShapes[i].m) *
                               ((problem.n + kShapes[i].n - 1) / kShapes[i].n);
    const std::int64_t waves = (tiles + slots - 1) / slots;
    const double score =
        kShapes[i].efficiency * static_cast<double>(tiles) / static_cast<double>(waves * slots);
    if (score > best_score) {
      best = i;
      best_score = score;
    }
  }
  switch (best) {
    case 1:
      return launch_tile<128, 64>(problem, stream);
    case 2:
      return launch_tile<64, 64>(problem, stream);
    default:
      return launch_tile<128, 128>(problem, stream);
  }
}

}  // namespace lrq::cuda
