// Rounding to, encoding and decoding any Grid, one element at a time: the single definition that
// the cpu and CUDA backends (host and device code alike) and the formats use, so that every
// backend gives the same bits. Only exact operations are used (bit manipulation, products by
// powers of two, adding and subtracting 1.5 * 2^23), so contracting them into FMAs changes
// nothing.
#pragma once

#include <cstdint>
#include <cstring>

#include "lrq/grid.hpp"

#if defined(__CUDACC__)
#define LRQ_HOST_DEVICE __host__ __device__
#else
#define LRQ_HOST_DEVICE
#endif

namespace lrq::grid_arithmetic {

LRQ_HOST_DEVICE inline std::uint32_t bits_of(float value) {
#if defined(__CUDA_ARCH__)
  return __float_as_uint(value);
#else
  std::uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
#endif
}

LRQ_HOST_DEVICE inline float float_of(std::uint32_t bits) {
#if defined(__CUDA_ARCH__)
  return __uint_as_float(bits);
#else
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
#endif
}

// 2^exponent for exponent in [-126, 127] (the grids are checked to stay in that range).
LRQ_HOST_DEVICE inline float power_of_two(int exponent) {
  return float_of(static_cast<std::uint32_t>(exponent + 127) << 23);
}

// Adding and subtracting 1.5 * 2^23 rounds a float of magnitude below 2^22 to an integer, ties to
// even, in the default rounding mode (the project never builds with fast-math). Like this, -0.3
// rounds to +0 on every backend.
LRQ_HOST_DEVICE inline float round_half_even(float value) {
  constexpr float kRoundingMagic = 12582912.0f;
  return (value + kRoundingMagic) - kRoundingMagic;
}

LRQ_HOST_DEVICE inline float smallest_normal(const Grid& grid) {
  return power_of_two(1 - grid.exponent_bias);
}

constexpr std::uint32_t kSignBit = 0x8000'0000u;

// The nearest grid value of a value already clamped to [grid.lowest(), grid.max_abs], ties to the
// even code; NaN is returned as it is.
LRQ_HOST_DEVICE inline float round_onto(const Grid& grid, float value) {
  if (grid.family == GridFamily::integer) return round_half_even(value);
  if (!(value == value)) return value;
  const float magnitude = float_of(bits_of(value) & ~kSignBit);
  const int mantissa_bits = grid.mantissa_bits;
  float rounded;
  if (magnitude < smallest_normal(grid)) {
    // Subnormals are evenly spaced: steps of 2^(1 - bias - M).
    const int step = 1 - grid.exponent_bias - mantissa_bits;
    rounded = round_half_even(magnitude * power_of_two(-step)) * power_of_two(step);
  } else {
    // Round float32's 23-bit mantissa to M bits, ties to even (a carry moves to the next binade).
    const int dropped = 23 - mantissa_bits;
    std::uint32_t bits = bits_of(magnitude);
    bits += ((1u << (dropped - 1)) - 1u) + ((bits >> dropped) & 1u);
    bits &= ~((1u << dropped) - 1u);
    rounded = float_of(bits);
  }
  return float_of(bits_of(rounded) | (bits_of(value) & kSignBit));
}

// round_onto after scaling by the multiplier and clamping to the grid's range.
LRQ_HOST_DEVICE inline float clamp_onto(const Grid& grid, float scaled) {
  const float low = grid.is_signed ? -grid.max_abs : 0.0f;
  const float high = grid.max_abs;
  const float clamped = scaled < low ? low : (high < scaled ? high : scaled);
  return round_onto(grid, clamped);
}

// The code of a value that lies exactly on the grid, or -1 when it does not (NaN, infinity, out of
// range, between grid values). Zero of either sign is code 0 on unsigned grids and integers.
LRQ_HOST_DEVICE inline std::int32_t encode(const Grid& grid, float value) {
  const float magnitude = float_of(bits_of(value) & ~kSignBit);
  if (!(magnitude <= grid.max_abs)) return -1;
  if (grid.family == GridFamily::integer) {
    const auto integer = static_cast<std::int32_t>(value);
    if (static_cast<float>(integer) != value) return -1;
    return integer & ((1 << grid.integer_bits) - 1);
  }
  const bool sign_bit = (bits_of(value) & kSignBit) != 0;
  if (sign_bit && !grid.is_signed && magnitude != 0.0f) return -1;
  const int mantissa_bits = grid.mantissa_bits;
  std::uint32_t magnitude_code;
  if (magnitude < smallest_normal(grid)) {
    const float steps = magnitude * power_of_two(grid.exponent_bias - 1 + mantissa_bits);
    magnitude_code = static_cast<std::uint32_t>(steps);
    if (static_cast<float>(magnitude_code) != steps) return -1;
  } else {
    const std::uint32_t bits = bits_of(magnitude);
    const int dropped = 23 - mantissa_bits;
    if ((bits & ((1u << dropped) - 1u)) != 0) return -1;
    const auto exponent = static_cast<std::int32_t>(bits >> 23) - 127;
    const std::uint32_t mantissa = (bits >> dropped) & ((1u << mantissa_bits) - 1u);
    magnitude_code =
        (static_cast<std::uint32_t>(exponent + grid.exponent_bias) << mantissa_bits) | mantissa;
  }
  const std::uint32_t sign =
      sign_bit && grid.is_signed ? 1u << (grid.exponent_bits + mantissa_bits) : 0u;
  return static_cast<std::int32_t>(sign | magnitude_code);
}

// The value of a code (its bits above code_bits() are ignored); NaN or infinity for the special
// codes.
LRQ_HOST_DEVICE inline float decode(const Grid& grid, std::uint32_t code) {
  if (grid.family == GridFamily::integer) {
    const int unused = 32 - grid.integer_bits;
    return static_cast<float>(static_cast<std::int32_t>(code << unused) >> unused);
  }
  const int mantissa_bits = grid.mantissa_bits;
  const std::uint32_t mantissa_mask = (1u << mantissa_bits) - 1u;
  const std::uint32_t exponent_mask = (1u << grid.exponent_bits) - 1u;
  const std::uint32_t mantissa = code & mantissa_mask;
  const std::uint32_t field = (code >> mantissa_bits) & exponent_mask;
  const bool negative =
      grid.is_signed && ((code >> (grid.exponent_bits + mantissa_bits)) & 1u) != 0;
  const float sign = negative ? -1.0f : 1.0f;
  const bool all_ones_exponent = field == exponent_mask;
  if (grid.specials == GridSpecials::ieee && all_ones_exponent) {
    return mantissa == 0 ? sign * float_of(0x7F80'0000u) : float_of(0x7FC0'0000u);
  }
  if (grid.specials == GridSpecials::nan_at_all_ones && all_ones_exponent &&
      mantissa == mantissa_mask) {
    return float_of(0x7FC0'0000u);
  }
  // value = significand * 2^(exponent - M), the significand with its implicit bit when normal.
  const int exponent =
      field == 0 ? 1 - grid.exponent_bias : static_cast<int>(field) - grid.exponent_bias;
  const std::uint32_t significand = field == 0 ? mantissa : (mantissa | (1u << mantissa_bits));
  return sign * static_cast<float>(significand) * power_of_two(exponent - mantissa_bits);
}

}  // namespace lrq::grid_arithmetic
