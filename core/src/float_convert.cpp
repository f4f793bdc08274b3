#include "lrq/float_convert.hpp"

#include <array>
#include <bit>
#include <cstring>
#include <string>

#include "lrq/error.hpp"

namespace lrq {

// safetensors data is little-endian; the bulk widening reads it in place.
static_assert(std::endian::native == std::endian::little, "lrq assumes a little-endian host");

namespace {

constexpr std::uint32_t kF32SignMask = 0x8000'0000u;
constexpr std::uint32_t kF32AbsMask = 0x7FFF'FFFFu;
constexpr std::uint32_t kF32Infinity = 0x7F80'0000u;

// value / 2^shift, rounded to nearest, ties to even (1 <= shift <= 31, no overflow for the
// magnitudes used here, which stay below 2^31 + 2^shift).
constexpr std::uint32_t shift_right_rne(std::uint32_t value, int shift) noexcept {
  const std::uint32_t half_minus_one = (1u << (shift - 1)) - 1u;
  const std::uint32_t lowest_kept_bit = (value >> shift) & 1u;
  return (value + half_minus_one + lowest_kept_bit) >> shift;
}

// For a magnitude below the target format's smallest normal: the number of units of the target's
// smallest subnormal (2^-subnormal_exponent), rounded to nearest even. f32 subnormals and anything
// below half a unit round to 0.
constexpr std::uint32_t round_to_subnormal_units(std::uint32_t abs_bits,
                                                 int subnormal_exponent) noexcept {
  const int biased_exponent = static_cast<int>(abs_bits >> 23);
  // abs = significand * 2^(biased_exponent - 150); units = abs * 2^subnormal_exponent.
  const int shift = 150 - subnormal_exponent - biased_exponent;
  // Below half a unit, f32 subnormals included (shift 24 is the tie region, which rounds to 0).
  if (shift > 24) return 0;
  const std::uint32_t significand = (abs_bits & 0x007F'FFFFu) | 0x0080'0000u;
  return shift_right_rne(significand, shift);
}

// Branch-free (selects by mask) so that bulk widening vectorizes.
inline float f16_bits_to_f32(std::uint16_t bits) noexcept {
  const std::uint32_t sign = static_cast<std::uint32_t>(bits & 0x8000u) << 16;
  const std::uint32_t exponent = bits & 0x7C00u;
  const std::uint32_t shifted = static_cast<std::uint32_t>(bits & 0x7FFFu) << 13;
  // Normal: rebias 15 -> 127 (add 112). Infinity/NaN: exponent 31 -> 255 (add 224), payload kept.
  const std::uint32_t is_inf_or_nan = exponent == 0x7C00u;
  const std::uint32_t normal = shifted + ((112u + 112u * is_inf_or_nan) << 23);
  // Subnormal m * 2^-24: put m under the exponent of 2^-14 and subtract 2^-14. Both operands and
  // the result are normal f32 values, so this is exact and immune to flush-to-zero modes.
  const float with_implicit_one = std::bit_cast<float>(shifted + (113u << 23));
  const std::uint32_t subnormal = std::bit_cast<std::uint32_t>(with_implicit_one - 0x1p-14f);
  const std::uint32_t subnormal_mask = 0u - static_cast<std::uint32_t>(exponent == 0);
  return std::bit_cast<float>(sign | (subnormal & subnormal_mask) | (normal & ~subnormal_mask));
}

constexpr float e4m3fn_bits_to_f32(std::uint8_t bits) noexcept {
  const std::uint32_t sign = static_cast<std::uint32_t>(bits & 0x80u) << 24;
  const std::uint32_t exponent = (bits >> 3) & 0x0Fu;
  const std::uint32_t mantissa = bits & 0x07u;
  if (exponent == 0x0Fu && mantissa == 0x07u) return std::bit_cast<float>(sign | 0x7FC0'0000u);
  if (exponent == 0) {
    // Subnormal: mantissa * 2^-9, exact in f32.
    const float magnitude = static_cast<float>(mantissa) * 0x1p-9f;
    return std::bit_cast<float>(sign | std::bit_cast<std::uint32_t>(magnitude));
  }
  // Normal: rebias 7 -> 127.
  return std::bit_cast<float>(sign | ((exponent + 120u) << 23) | (mantissa << 20));
}

constexpr std::array<float, 256> make_e4m3fn_table() noexcept {
  std::array<float, 256> table{};
  for (std::size_t code = 0; code < table.size(); ++code) {
    table[code] = e4m3fn_bits_to_f32(static_cast<std::uint8_t>(code));
  }
  return table;
}

constexpr std::array<float, 256> kE4m3fnTable = make_e4m3fn_table();

// e5m2 is the upper byte of an IEEE half.
inline float e5m2_bits_to_f32(std::uint8_t bits) noexcept {
  return f16_bits_to_f32(static_cast<std::uint16_t>(bits << 8));
}

// Copying through a small buffer handles misaligned sources and lets the compiler vectorize the
// conversion loop, since the buffer cannot alias the destination.
template <typename Element, typename Convert>
void widen_elements(const std::byte* source, float* destination, std::size_t count,
                    Convert convert) {
  constexpr std::size_t kChunk = 512;  // a fixed trip count vectorizes even at -O2
  Element chunk[kChunk];
  std::size_t done = 0;
  for (; count - done >= kChunk; done += kChunk) {
    std::memcpy(chunk, source + done * sizeof(Element), sizeof chunk);
    for (std::size_t i = 0; i < kChunk; ++i) {
      destination[done + i] = convert(chunk[i]);
    }
  }
  for (; done < count; ++done) {
    Element element;
    std::memcpy(&element, source + done * sizeof(Element), sizeof element);
    destination[done] = convert(element);
  }
}

}  // namespace

float bf16_to_f32(std::uint16_t bits) noexcept {
  return std::bit_cast<float>(static_cast<std::uint32_t>(bits) << 16);
}

std::uint16_t f32_to_bf16(float value) noexcept {
  const std::uint32_t bits = std::bit_cast<std::uint32_t>(value);
  const std::uint32_t sign = (bits & kF32SignMask) >> 16;
  const std::uint32_t abs = bits & kF32AbsMask;
  // Truncating a NaN could leave an all-zero payload (infinity), hence the forced quiet bit.
  if (abs > kF32Infinity) return static_cast<std::uint16_t>(sign | (abs >> 16) | 0x0040u);
  // Rounding carries into the exponent, up to infinity for the largest magnitudes.
  return static_cast<std::uint16_t>(sign | shift_right_rne(abs, 16));
}

float f16_to_f32(std::uint16_t bits) noexcept {
  return f16_bits_to_f32(bits);
}

std::uint16_t f32_to_f16(float value) noexcept {
  const std::uint32_t bits = std::bit_cast<std::uint32_t>(value);
  const std::uint32_t sign = (bits & kF32SignMask) >> 16;
  const std::uint32_t abs = bits & kF32AbsMask;
  if (abs > kF32Infinity) {  // quiet bit forced, payload kept where it fits
    return static_cast<std::uint16_t>(sign | 0x7E00u | ((abs >> 13) & 0x03FFu));
  }
  // 65520 is halfway between the largest half (65504, odd mantissa) and 2^16: it and everything
  // above round to infinity.
  constexpr std::uint32_t kOverflowThreshold = 0x477F'F000u;
  if (abs >= kOverflowThreshold) return static_cast<std::uint16_t>(sign | 0x7C00u);
  constexpr std::uint32_t kSmallestNormal = 0x3880'0000u;  // 2^-14
  if (abs >= kSmallestNormal) {
    // Round the mantissa (a carry moves into the exponent), then rebias 127 -> 15.
    return static_cast<std::uint16_t>(sign | (shift_right_rne(abs, 13) - (112u << 10)));
  }
  return static_cast<std::uint16_t>(sign | round_to_subnormal_units(abs, 24));
}

float e4m3fn_to_f32(std::uint8_t bits) noexcept {
  return kE4m3fnTable[bits];
}

std::uint8_t f32_to_e4m3fn(float value) noexcept {
  const std::uint32_t bits = std::bit_cast<std::uint32_t>(value);
  const std::uint32_t sign = (bits & kF32SignMask) >> 24;
  const std::uint32_t abs = bits & kF32AbsMask;
  if (abs > kF32Infinity) return 0x7F;
  // 448 is the largest finite value; everything from there up (infinity included) saturates to
  // it: rounding would give 448 or 480, and 480 does not exist (its code is NaN).
  constexpr std::uint32_t k448 = 0x43E0'0000u;
  if (abs >= k448) return static_cast<std::uint8_t>(sign | 0x7Eu);
  constexpr std::uint32_t kSmallestNormal = 0x3C80'0000u;  // 2^-6
  if (abs >= kSmallestNormal) {
    // Round the mantissa (a carry moves into the exponent), then rebias 127 -> 7.
    return static_cast<std::uint8_t>(sign | (shift_right_rne(abs, 20) - (120u << 3)));
  }
  return static_cast<std::uint8_t>(sign | round_to_subnormal_units(abs, 9));
}

float e5m2_to_f32(std::uint8_t bits) noexcept {
  return e5m2_bits_to_f32(bits);
}

void widen_to_f32(DType source, const std::byte* source_bytes, float* destination,
                  std::size_t count) {
  switch (source) {
    case DType::F64:
      // The default floating-point environment rounds to nearest even; overflow gives infinity.
      widen_elements<double>(source_bytes, destination, count,
                             [](double element) { return static_cast<float>(element); });
      return;
    case DType::F32:
      if (count != 0) std::memcpy(destination, source_bytes, count * sizeof(float));
      return;
    case DType::F16:
      widen_elements<std::uint16_t>(source_bytes, destination, count,
                                    [](std::uint16_t element) { return f16_bits_to_f32(element); });
      return;
    case DType::BF16:
      widen_elements<std::uint16_t>(source_bytes, destination, count,
                                    [](std::uint16_t element) { return bf16_to_f32(element); });
      return;
    case DType::F8_E4M3:
      widen_elements<std::uint8_t>(source_bytes, destination, count,
                                   [](std::uint8_t element) { return kE4m3fnTable[element]; });
      return;
    case DType::F8_E5M2:
      widen_elements<std::uint8_t>(source_bytes, destination, count,
                                   [](std::uint8_t element) { return e5m2_bits_to_f32(element); });
      return;
    default:
      throw Error(ErrorCategory::internal,
                  "widen_to_f32: " + std::string(safetensors_name(source)) +
                      " is not a floating-point dtype");
  }
}

}  // namespace lrq
