// Rounding onto the grids on the device, step for step as the cpu backend does it, so that every
// bit (the sign of zero too) agrees.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "lrq/quantization.hpp"

namespace lrq::cuda {

// Adding and subtracting 1.5 * 2^23 rounds a float below 2^22 in magnitude to an integer, ties to
// even; the cpu backend rounds this way too, which makes -0.3 round to +0 on both.
inline constexpr float kRoundingMagic = 12582912.0f;

__device__ inline float round_half_even(float value) {
  return __fsub_rn(__fadd_rn(value, kRoundingMagic), kRoundingMagic);
}

// The nearest float8_e4m3fn value, ties to even, of a value already clamped to +-448.
__device__ inline float round_to_e4m3fn(float value) {
  const float magnitude = fabsf(value);
  float rounded;
  if (magnitude < 0x1p-6f) {
    rounded = __fmul_rn(round_half_even(__fmul_rn(magnitude, 512.0f)), 0x1p-9f);
  } else {
    std::uint32_t bits = __float_as_uint(magnitude);
    bits += 0x7FFFFu + ((bits >> 20) & 1u);  // round the 23-bit mantissa to 3 bits, ties to even
    bits &= 0xFFF0'0000u;
    rounded = __uint_as_float(bits);
  }
  return copysignf(rounded, value);
}

__device__ inline float quantize_one(float x, float multiplier, GridKind kind, float limit) {
  const float scaled = __fmul_rn(x, multiplier);
  // A NaN stays NaN (as it does on the cpu, whose NaNs keep the input's payload; the GPU's
  // canonical NaN would round to 0 in the bit manipulation below).
  if (isnan(scaled)) return scaled;
  const float clamped = scaled < -limit ? -limit : (limit < scaled ? limit : scaled);
  return kind == GridKind::e4m3fn ? round_to_e4m3fn(clamped) : round_half_even(clamped);
}

}  // namespace lrq::cuda
