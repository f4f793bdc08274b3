#include "lrq/grid.hpp"

#include "lrq/error.hpp"
#include "lrq/grid_arithmetic.hpp"

namespace lrq {
namespace {

[[noreturn]] void reject(const std::string& grid, const std::string& reason) {
  throw Error(ErrorCategory::internal, "grid " + grid + ": " + reason);
}

// The largest code that is a finite number, by the grid's rule for special codes.
std::uint32_t largest_finite_code(const Grid& grid) {
  const std::uint32_t exponent_mask = (1u << grid.exponent_bits) - 1u;
  const std::uint32_t mantissa_mask = (1u << grid.mantissa_bits) - 1u;
  const std::uint32_t all_ones = (exponent_mask << grid.mantissa_bits) | mantissa_mask;
  switch (grid.specials) {
    case GridSpecials::none:
      return all_ones;
    case GridSpecials::nan_at_all_ones:
      return all_ones - 1u;
    case GridSpecials::ieee:
      return ((exponent_mask - 1u) << grid.mantissa_bits) | mantissa_mask;
  }
  return 0;
}

}  // namespace

Grid Grid::minifloat(int exponent_bits, int mantissa_bits, int exponent_bias, GridSpecials specials,
                     bool is_signed, DType storage) {
  Grid grid;
  grid.family = GridFamily::minifloat;
  grid.exponent_bits = exponent_bits;
  grid.mantissa_bits = mantissa_bits;
  grid.exponent_bias = exponent_bias;
  grid.integer_bits = 0;
  grid.is_signed = is_signed;
  grid.specials = specials;
  grid.storage = storage;
  const std::string name = grid.name();
  if (exponent_bits < 1 || mantissa_bits < 0 || grid.code_bits() > 8) {
    reject(name, "needs 1 to 8 code bits with at least one exponent bit");
  }
  if (exponent_bits + mantissa_bits < 2 && specials != GridSpecials::none) {
    reject(name, "too few bits for special codes");
  }
  // Every value and every subnormal step must be a normal float32.
  const auto top_field =
      static_cast<int>(largest_finite_code(grid) >> mantissa_bits & ((1u << exponent_bits) - 1u));
  const int top_exponent = top_field - exponent_bias;
  if (1 - exponent_bias - mantissa_bits < -126 || top_exponent > 127) {
    reject(name, "bias " + std::to_string(exponent_bias) + " reaches beyond float32's range");
  }
  if (itemsize(storage) != 1) reject(name, "codes are stored one per byte");
  grid.max_abs = grid_arithmetic::decode(grid, largest_finite_code(grid));
  return grid;
}

Grid Grid::integer(int bits, DType storage) {
  Grid grid;
  grid.family = GridFamily::integer;
  grid.exponent_bits = 0;
  grid.mantissa_bits = 0;
  grid.exponent_bias = 0;
  grid.integer_bits = bits;
  grid.is_signed = true;
  grid.specials = GridSpecials::none;
  grid.storage = storage;
  if (bits < 2 || bits > 8) reject(grid.name(), "needs 2 to 8 bits");
  if (itemsize(storage) != 1) reject(grid.name(), "codes are stored one per byte");
  grid.max_abs = static_cast<float>((1 << (bits - 1)) - 1);
  return grid;
}

Grid Grid::e4m3fn() {
  return minifloat(4, 3, 7, GridSpecials::nan_at_all_ones, true, DType::F8_E4M3);
}

Grid Grid::e5m2() {
  return minifloat(5, 2, 15, GridSpecials::ieee, true, DType::F8_E5M2);
}

Grid Grid::e2m1() {
  return minifloat(2, 1, 1, GridSpecials::none, true, DType::U8);
}

Grid Grid::e8m0() {
  return minifloat(8, 0, 127, GridSpecials::nan_at_all_ones, false, DType::U8);
}

Grid Grid::int8() {
  return integer(8, DType::I8);
}

Grid Grid::int4() {
  return integer(4, DType::U8);
}

int Grid::code_bits() const noexcept {
  if (family == GridFamily::integer) return integer_bits;
  return (is_signed ? 1 : 0) + exponent_bits + mantissa_bits;
}

std::string Grid::name() const {
  if (family == GridFamily::integer) return "int" + std::to_string(integer_bits);
  std::string name = "e" + std::to_string(exponent_bits) + "m" + std::to_string(mantissa_bits);
  if (specials == GridSpecials::nan_at_all_ones) name += "fn";
  if (!is_signed) name += "u";
  return name;
}

}  // namespace lrq
