// Exact conversions between float32 and the 16- and 8-bit float formats, bit-level and portable.
// Every narrowing conversion rounds to nearest, ties to even.
#pragma once

#include <cstddef>
#include <cstdint>

#include "lrq/dtype.hpp"

namespace lrq {

float bf16_to_f32(std::uint16_t bits) noexcept;
// NaN stays a quiet NaN of the same sign; overflow becomes infinity, as in IEEE arithmetic.
std::uint16_t f32_to_bf16(float value) noexcept;

float f16_to_f32(std::uint16_t bits) noexcept;
std::uint16_t f32_to_f16(float value) noexcept;

// float8_e4m3fn: 1 sign, 4 exponent (bias 7), 3 mantissa bits; 0x7F/0xFF are NaN, no infinities.
float e4m3fn_to_f32(std::uint8_t bits) noexcept;
// Saturating: finite values and infinities beyond +-448 become +-448; NaN becomes 0x7F.
std::uint8_t f32_to_e4m3fn(float value) noexcept;

// float8_e5m2: 1 sign, 5 exponent (bias 15), 2 mantissa bits, IEEE-like (has infinities).
float e5m2_to_f32(std::uint8_t bits) noexcept;

inline constexpr float kE4m3fnMax = 448.0f;

// Widens `count` elements of a float tensor (F64, F32, F16, BF16, F8_E4M3, F8_E5M2) to float32.
// Narrowing from F64 rounds to nearest even.
void widen_to_f32(DType source, const std::byte* source_bytes, float* destination,
                  std::size_t count);

}  // namespace lrq
