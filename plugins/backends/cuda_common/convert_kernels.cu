// Widening to float32 bit for bit as lrq's host conversions (lrq/float_convert.hpp) do it, and
// encoding and decoding any grid's codes with lrq/grid_arithmetic.hpp.
#include <cstdint>

#include "cuda_check.hpp"
#include "kernel_support.cuh"
#include "lrq/error.hpp"
#include "lrq/grid_arithmetic.hpp"

namespace lrq::cuda {
namespace {

// IEEE half to float by bit manipulation; a NaN keeps its payload.
__device__ inline float half_bits_to_float(std::uint32_t bits) {
  const std::uint32_t sign = (bits & 0x8000u) << 16;
  const std::uint32_t exponent = (bits >> 10) & 0x1Fu;
  const std::uint32_t mantissa = bits & 0x3FFu;
  std::uint32_t magnitude;
  if (exponent == 0x1Fu) {
    magnitude = 0x7F80'0000u | (mantissa << 13);
  } else if (exponent != 0) {
    magnitude = ((exponent + 112u) << 23) | (mantissa << 13);  // rebias 15 -> 127
  } else {
    // Subnormal (or zero): mantissa * 2^-24, exact in float.
    magnitude = __float_as_uint(__fmul_rn(__uint2float_rn(mantissa), 0x1p-24f));
  }
  return __uint_as_float(sign | magnitude);
}

__global__ void widen_f64(const double* input, float* output, std::int64_t count) {
  for (std::int64_t i = global_thread(); i < count; i += grid_threads()) {
    output[i] = __double2float_rn(input[i]);
  }
}

__global__ void widen_f16(const std::uint16_t* input, float* output, std::int64_t count) {
  for (std::int64_t i = global_thread(); i < count; i += grid_threads()) {
    output[i] = half_bits_to_float(input[i]);
  }
}

__global__ void widen_bf16(const std::uint16_t* input, float* output, std::int64_t count) {
  for (std::int64_t i = global_thread(); i < count; i += grid_threads()) {
    output[i] = __uint_as_float(static_cast<std::uint32_t>(input[i]) << 16);
  }
}

__global__ void widen_by_table(const std::uint8_t* input, const float* table, float* output,
                               std::int64_t count) {
  for (std::int64_t i = global_thread(); i < count; i += grid_threads()) {
    output[i] = table[input[i]];
  }
}

__global__ void widen_i8(const std::int8_t* input, float* output, std::int64_t count) {
  for (std::int64_t i = global_thread(); i < count; i += grid_threads()) {
    output[i] = static_cast<float>(input[i]);
  }
}

// One atomic per warp that saw off-grid values.
__device__ inline void count_off_grid(unsigned long long off_grid, unsigned long long* total) {
  for (int offset = 16; offset > 0; offset /= 2) {
    off_grid += __shfl_down_sync(0xFFFF'FFFFu, off_grid, offset);
  }
  if ((threadIdx.x & 31u) == 0 && off_grid != 0) atomicAdd(total, off_grid);
}

__global__ void encode_codes(const float* values, std::int64_t count, Grid grid,
                             std::uint8_t* codes, unsigned long long* off_grid) {
  unsigned long long off = 0;
  for (std::int64_t i = global_thread(); i < count; i += grid_threads()) {
    const std::int32_t code = grid_arithmetic::encode(grid, values[i]);
    codes[i] = static_cast<std::uint8_t>(code < 0 ? 0 : code);
    off += code < 0 ? 1 : 0;
  }
  count_off_grid(off, off_grid);
}

__global__ void decode_codes(const std::uint8_t* codes, std::int64_t count, Grid grid,
                             float* values) {
  for (std::int64_t i = global_thread(); i < count; i += grid_threads()) {
    values[i] = grid_arithmetic::decode(grid, codes[i]);
  }
}

}  // namespace

void widen(DType source, const void* input, float* output, std::int64_t count,
           const ConversionTables& tables, cudaStream_t stream) {
  if (count == 0) return;
  const unsigned int blocks = grid_stride_blocks(count);
  switch (source) {
    case DType::F64:
      widen_f64<<<blocks, kThreads, 0, stream>>>(static_cast<const double*>(input), output, count);
      break;
    case DType::F16:
      widen_f16<<<blocks, kThreads, 0, stream>>>(static_cast<const std::uint16_t*>(input), output,
                                                 count);
      break;
    case DType::BF16:
      widen_bf16<<<blocks, kThreads, 0, stream>>>(static_cast<const std::uint16_t*>(input), output,
                                                  count);
      break;
    case DType::F8_E4M3:
    case DType::F8_E5M2:
      widen_by_table<<<blocks, kThreads, 0, stream>>>(
          static_cast<const std::uint8_t*>(input),
          source == DType::F8_E4M3 ? tables.e4m3fn_values : tables.e5m2_values, output, count);
      break;
    case DType::I8:
      widen_i8<<<blocks, kThreads, 0, stream>>>(static_cast<const std::int8_t*>(input), output,
                                                count);
      break;
    default:
      throw Error(ErrorCategory::internal,
                  "cuda backend: no widening kernel for " + std::string(safetensors_name(source)));
  }
  check_launch("widen");
}

void encode(const float* values, std::int64_t count, const Grid& grid, std::uint8_t* codes,
            unsigned long long* off_grid, cudaStream_t stream) {
  LRQ_CUDA_CHECK(cudaMemsetAsync(off_grid, 0, sizeof *off_grid, stream));
  if (count == 0) return;
  encode_codes<<<grid_stride_blocks(count), kThreads, 0, stream>>>(values, count, grid, codes,
                                                                   off_grid);
  check_launch("encode");
}

void decode(const std::uint8_t* codes, std::int64_t count, const Grid& grid, float* values,
            cudaStream_t stream) {
  if (count == 0) return;
  decode_codes<<<grid_stride_blocks(count), kThreads, 0, stream>>>(codes, count, grid, values);
  check_launch("decode");
}

}  // namespace lrq::cuda
