// TF32 matrix product on tensor cores (mma.sync m16n8k8, sm_80 and newer). A block of 8 warps
// computes a 128 x 128 tile of c, each warp 64 x 32 of it as 4 x 4 fragments of 16 x 8. Tiles of
// 16 along k stream through a 4-stage cp.async pipeline in shared memory, laid out as the operand
// is stored (k-contiguous or not) with padding that keeps every fragment read conflict-free.
// Values are rounded to TF32 (round to nearest, ties away) as the fragments are read. A block's
// k loop runs in a fixed order with no split-k, so the result is reproducible.
#include <cstdint>

#include "gemm_kernels.hpp"
#include "gemm_tiles.cuh"

namespace lrq::cuda {
namespace {

using detail::Operand;
using detail::TileOrder;

constexpr int kTileM = 128;
constexpr int kTileN = 128;
constexpr int kTileK = 16;
constexpr int kStages = 4;
constexpr int kThreads = 256;
constexpr int kWarpM = 64;  // 2 x 4 warps
constexpr int kWarpN = 32;
constexpr int kFragmentsM = kWarpM / 16;
constexpr int kFragmentsN = kWarpN / 8;

// One stage of an operand's tile in shared memory. kKContiguous (a not transposed, b transposed):
// [kExtent][kTileK + 4]; otherwise [kTileK][kExtent + 8]. With those strides the 32 lanes of a
// fragment read (8 groups of 4 along the two axes) hit 32 distinct banks.
template <bool kKContiguous, int kExtent>
struct StageLayout {
  static constexpr int kStride = kKContiguous ? kTileK + 4 : kExtent + 8;
  static constexpr int kFloats = kKContiguous ? kExtent * kStride : kTileK * kStride;
  // Row i of op(a) (or column i of op(b)) at depth kk of the tile.
  __device__ static int at(int i, int kk) {
    return kKContiguous ? i * kStride + kk : kk * kStride + i;
  }
};

__device__ void copy_async_16(float* shared, const float* global, bool inside) {
  const auto address = static_cast<unsigned>(__cvta_generic_to_shared(shared));
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(address), "l"(global),
               "r"(inside ? 16 : 0)
               : "memory");
}

__device__ void copy_async_4(float* shared, const float* global, bool inside) {
  const auto address = static_cast<unsigned>(__cvta_generic_to_shared(shared));
  asm volatile("cp.async.ca.shared.global [%0], [%1], 4, %2;\n" ::"r"(address), "l"(global),
               "r"(inside ? 4 : 0)
               : "memory");
}

__device__ void commit_copies() {
  asm volatile("cp.async.commit_group;\n" ::: "memory");
}

template <int kPending>
__device__ void wait_copies() {
  asm volatile("cp.async.wait_group %0;\n" ::"n"(kPending) : "memory");
}

// Starts copying the stored tile [row0, row0 + kRows) x [col0, col0 + kCols) of x into
// shared[r * stride + c]; elements outside the matrix are zero-filled. kVector: 16-byte copies
// (x.cols is a multiple of 4, so a chunk is wholly inside the matrix or wholly outside).
template <int kRows, int kCols, bool kVector>
__device__ void copy_tile(float* shared, int stride, const Operand& x, int row0, int col0) {
  constexpr int kWidth = kVector ? 4 : 1;
  constexpr int kChunksPerRow = kCols / kWidth;
  static_assert(kRows * kChunksPerRow % kThreads == 0);
#pragma unroll
  for (int i = 0; i < kRows * kChunksPerRow / kThreads; ++i) {
    const int index = static_cast<int>(threadIdx.x) + i * kThreads;
    const int r = index / kChunksPerRow;
    const int c = (index % kChunksPerRow) * kWidth;
    const bool inside = row0 + r < x.rows && col0 + c < x.cols;
    const float* source = inside ? x.data + (row0 + r) * x.ld + col0 + c : x.data;
    if constexpr (kVector) {
      copy_async_16(shared + r * stride + c, source, inside);
    } else {
      copy_async_4(shared + r * stride + c, source, inside);
    }
  }
}

__device__ std::uint32_t to_tf32(float value) {
  std::uint32_t rounded;
  asm("cvt.rna.tf32.f32 %0, %1;\n" : "=r"(rounded) : "f"(value));
  return rounded;
}

__device__ void mma_tf32(float (&d)[4], const std::uint32_t (&a)[4], const std::uint32_t (&b)[2]) {
  asm("mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, "
      "{%8, %9}, {%0, %1, %2, %3};\n"
      : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
}

template <bool kTransposeA, bool kTransposeB>
using LayoutA = StageLayout<!kTransposeA, kTileM>;
template <bool kTransposeA, bool kTransposeB>
using LayoutB = StageLayout<kTransposeB, kTileN>;

template <bool kTransposeA, bool kTransposeB>
constexpr int shared_bytes() {
  return kStages *
         (LayoutA<kTransposeA, kTransposeB>::kFloats + LayoutB<kTransposeA, kTransposeB>::kFloats) *
         static_cast<int>(sizeof(float));
}

struct Output {
  float* data;
  int m;
  int n;
  float alpha;
  float beta;
};

template <bool kTransposeA, bool kTransposeB, bool kVector>
__global__ void __launch_bounds__(kThreads, 2)
    gemm_tf32_kernel(Operand a, Operand b, Output c, int k, TileOrder order) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
  using A = LayoutA<kTransposeA, kTransposeB>;
  using B = LayoutB<kTransposeA, kTransposeB>;
  extern __shared__ __align__(16) float shared[];
  float* const a_stages = shared;
  float* const b_stages = shared + kStages * A::kFloats;

  const int2 tile = order.tile(static_cast<int>(blockIdx.x));
  const int m0 = tile.x * kTileM;
  const int n0 = tile.y * kTileN;
  const int warp = static_cast<int>(threadIdx.x) / 32;
  const int lane = static_cast<int>(threadIdx.x) % 32;
  const int warp_m = (warp / (kTileN / kWarpN)) * kWarpM;
  const int warp_n = (warp % (kTileN / kWarpN)) * kWarpN;
  const int group = lane / 4;  // the mma fragment layout's groupID and threadID_in_group
  const int member = lane % 4;

  const auto load_stage = [&](int k_tile, int stage) {
    const int k0 = k_tile * kTileK;
    float* const as = a_stages + stage * A::kFloats;
    float* const bs = b_stages + stage * B::kFloats;
    if constexpr (kTransposeA) {
      copy_tile<kTileK, kTileM, kVector>(as, A::kStride, a, k0, m0);
    } else {
      copy_tile<kTileM, kTileK, kVector>(as, A::kStride, a, m0, k0);
    }
    if constexpr (kTransposeB) {
      copy_tile<kTileN, kTileK, kVector>(bs, B::kStride, b, n0, k0);
    } else {
      copy_tile<kTileK, kTileN, kVector>(bs, B::kStride, b, k0, n0);
    }
  };

  float acc[kFragmentsM][kFragmentsN][4] = {};
  const int tiles = (k + kTileK - 1) / kTileK;
  // Every iteration commits one group, empty or not, so that wait_copies<kStages - 2> always
  // means "the group of tile t has landed".
#pragma unroll
  for (int s = 0; s < kStages - 1; ++s) {
    if (s < tiles) load_stage(s, s);
    commit_copies();
  }
  for (int t = 0; t < tiles; ++t) {
    wait_copies<kStages - 2>();
    __syncthreads();  // tile t visible to all; every warp is done with tile t - 1's stage
    const int next = t + kStages - 1;
    if (next < tiles) load_stage(next, next % kStages);
    commit_copies();

    const float* const as = a_stages + (t % kStages) * A::kFloats;
    const float* const bs = b_stages + (t % kStages) * B::kFloats;
#pragma unroll
    for (int k8 = 0; k8 < kTileK; k8 += 8) {
      const int kk = k8 + member;
      std::uint32_t af[kFragmentsM][4];
      std::uint32_t bf[kFragmentsN][2];
#pragma unroll
      for (int f = 0; f < kFragmentsM; ++f) {
        const int i = warp_m + f * 16 + group;
        af[f][0] = to_tf32(as[A::at(i, kk)]);
        af[f][1] = to_tf32(as[A::at(i + 8, kk)]);
        af[f][2] = to_tf32(as[A::at(i, kk + 4)]);
        af[f][3] = to_tf32(as[A::at(i + 8, kk + 4)]);
      }
#pragma unroll
      for (int f = 0; f < kFragmentsN; ++f) {
        const int j = warp_n + f * 8 + group;
        bf[f][0] = to_tf32(bs[B::at(j, kk)]);
        bf[f][1] = to_tf32(bs[B::at(j, kk + 4)]);
      }
#pragma unroll
      for (int fm = 0; fm < kFragmentsM; ++fm) {
#pragma unroll
        for (int fn = 0; fn < kFragmentsN; ++fn)
          mma_tf32(acc[fm][fn], af[fm], bf[fn]);
      }
    }
  }
  wait_copies<0>();

#pragma unroll
  for (int fm = 0; fm < kFragmentsM; ++fm) {
#pragma unroll
    for (int half = 0; half < 2; ++half) {
      const int row = m0 + warp_m + fm * 16 + group + half * 8;
      if (row >= c.m) continue;
      float* const c_row = c.data + static_cast<std::int64_t>(row) * c.n;
#pragma unroll
      for (int fn = 0; fn < kFragmentsN; ++fn) {
        const int col = n0 + warp_n + fn * 8 + member * 2;
#pragma unroll
        for (int q = 0; q < 2; ++q) {
          if (col + q >= c.n) continue;
          const float v = c.alpha * acc[fm][fn][half * 2 + q];
          c_row[col + q] = c.beta != 0.0f ? fmaf(c.beta, c_row[col + q], v) : v;
        }
      }
    }
  }
#else
  __trap();  // built without sm_80 code; the backend only launches this on sm_80 and newer
#endif
}

template <bool kTransposeA, bool kTransposeB, bool kVector>
cudaError_t launch_kernel(const GemmProblem& p, cudaStream_t stream) {
  const auto kernel = gemm_tf32_kernel<kTransposeA, kTransposeB, kVector>;
  constexpr int kBytes = shared_bytes<kTransposeA, kTransposeB>();
  if (const cudaError_t status =
          cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, kBytes);
      status != cudaSuccess) {
    return status;
  }
  // Two blocks per multiprocessor need the largest shared-memory carveout.
  if (const cudaError_t status = cudaFuncSetAttribute(
          kernel, cudaFuncAttributePreferredSharedMemoryCarveout, cudaSharedmemCarveoutMaxShared);
      status != cudaSuccess) {
    return status;
  }
  const TileOrder order{static_cast<int>((p.m + kTileM - 1) / kTileM),
                        static_cast<int>((p.n + kTileN - 1) / kTileN)};
  const std::int64_t blocks = static_cast<std::int64_t>(order.tiles_m) * order.tiles_n;
  if (blocks > 0x7fffffff) return cudaErrorInvalidConfiguration;
  const Output c{p.c, static_cast<int>(p.m), static_cast<int>(p.n), p.alpha, p.beta};
  kernel<<<static_cast<unsigned>(blocks), kThreads, kBytes, stream>>>(
      detail::operand_a(p), detail::operand_b(p), c, static_cast<int>(p.k), order);
  return cudaGetLastError();
}

// 16-byte copies only when both operands allow them: one copy path per kernel keeps register
// pressure low enough for two blocks per multiprocessor.
template <bool kTransposeA, bool kTransposeB>
cudaError_t launch(const GemmProblem& p, cudaStream_t stream) {
  const bool vector = detail::operand_a(p).vector_loads && detail::operand_b(p).vector_loads;
  return vector ? launch_kernel<kTransposeA, kTransposeB, true>(p, stream)
                : launch_kernel<kTransposeA, kTransposeB, false>(p, stream);
}

}  // namespace

cudaError_t launch_gemm_tf32(const GemmProblem& problem, cudaStream_t stream) {
  if (problem.transpose_a) {
    return problem.transpose_b ? launch<true, true>(problem, stream)
                               : launch<true, false>(problem, stream);
  }
  return problem.transpose_b ? launch<false, true>(problem, stream)
                             : launch<false, false>(problem, stream);
}

}  // namespace lrq::cuda
