// Widening to float32 and encoding grid values to storage codes, bit for bit as lrq's host
// conversions (lrq/float_convert.hpp) do them.
#include <cstdint>

#include "cuda_check.hpp"
#include "kernel_support.cuh"
#include "lrq/error.hpp"

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

// Every float8_e4m3fn value, as a float, has its low 20 mantissa bits zero; such a float's code
// is found by its top 12 bits. Anything else (NaN included) is off the grid.
__global__ void encode_e4m3fn(const float* values, std::int64_t count, const float* decoded,
                              const std::uint8_t* codes_by_top_bits, std::uint8_t* codes,
                              unsigned long long* off_grid) {
  unsigned long long off = 0;
  for (std::int64_t i = global_thread(); i < count; i += grid_threads()) {
    const float value = values[i];
    const std::uint32_t bits = __float_as_uint(value);
    std::uint8_t code = 0;
    bool on_grid = false;
    if ((bits & 0xF'FFFFu) == 0) {
      code = codes_by_top_bits[bits >> 20];
      on_grid = decoded[code] == value;
    }
    codes[i] = on_grid ? code : std::uint8_t{0};
    off += on_grid ? 0 : 1;
  }
  count_off_grid(off, off_grid);
}

__global__ void encode_int8(const float* values, std::int64_t count, std::int8_t* codes,
                            unsigned long long* off_grid) {
  unsigned long long off = 0;
  for (std::int64_t i = global_thread(); i < count; i += grid_threads()) {
    const float value = values[i];
    const bool in_range = value >= -127.0f && value <= 127.0f;  // false for NaN
    const auto code = static_cast<std::int8_t>(in_range ? value : 0.0f);
    const bool on_grid = in_range && static_cast<float>(code) == value;
    codes[i] = on_grid ? code : std::int8_t{0};
    off += on_grid ? 0 : 1;
  }
  count_off_grid(off, off_grid);
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

void encode(const float* values, std::int64_t count, GridKind kind, const ConversionTables& tables,
            void* codes, unsigned long long* off_grid, cudaStream_t stream) {
  LRQ_CUDA_CHECK(cudaMemsetAsync(off_grid, 0, sizeof *off_grid, stream));
  if (count == 0) return;
  const unsigned int blocks = grid_stride_blocks(count);
  if (kind == GridKind::e4m3fn) {
    encode_e4m3fn<<<blocks, kThreads, 0, stream>>>(values, count, tables.e4m3fn_values,
                                                   tables.e4m3fn_codes_by_top_bits,
                                                   static_cast<std::uint8_t*>(codes), off_grid);
  } else {
    encode_int8<<<blocks, kThreads, 0, stream>>>(values, count, static_cast<std::int8_t*>(codes),
                                                 off_grid);
  }
  check_launch("encode");
}

}  // namespace lrq::cuda
