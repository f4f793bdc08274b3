// The grids weights are rounded to, described as data: a signed or unsigned minifloat of E
// exponent and M mantissa bits with its bias and its rule for non-finite codes, or a symmetric
// signed integer of B bits. A backend rounds to, encodes and decodes any grid without knowing the
// format that chose it (lrq/grid_arithmetic.hpp has the arithmetic, shared by every backend).
#pragma once

#include <cstdint>
#include <string>

#include "lrq/dtype.hpp"

namespace lrq {

enum class GridFamily : std::uint8_t {
  minifloat,  // sign, exponent, mantissa; subnormals where the exponent field is 0
  integer,    // -(2^(B-1) - 1) .. 2^(B-1) - 1, stored in two's complement
};

// Which codes of a minifloat do not stand for numbers.
enum class GridSpecials : std::uint8_t {
  none,             // every code is a number (e2m1)
  nan_at_all_ones,  // the code with every exponent and mantissa bit set is NaN, no infinities
                    // (e4m3fn, e8m0)
  ieee,             // the all-ones exponent holds infinity (mantissa 0) and NaNs (e5m2)
};

// A trivially copyable description; build it with the named grids or minifloat()/integer(),
// which check it and derive max_abs.
struct Grid {
  GridFamily family = GridFamily::minifloat;
  std::int32_t exponent_bits = 4;  // minifloat only
  std::int32_t mantissa_bits = 3;  // minifloat only
  std::int32_t exponent_bias = 7;  // minifloat only
  std::int32_t integer_bits = 0;   // integer only
  bool is_signed = true;           // minifloat: whether a sign bit leads the code
  GridSpecials specials = GridSpecials::nan_at_all_ones;
  // The dtype of the codes, one per element: F8_E4M3, F8_E5M2, I8, or U8 for the other grids
  // (sub-byte codes in the low bits; packing them is the format's job).
  DType storage = DType::F8_E4M3;
  float max_abs = 448.0f;  // the largest finite value

  // Throw lrq::Error (internal) for a grid the backends cannot hold: more than 8 code bits, or a
  // range beyond float32's normal numbers.
  static Grid minifloat(int exponent_bits, int mantissa_bits, int exponent_bias,
                        GridSpecials specials, bool is_signed, DType storage);
  static Grid integer(int bits, DType storage);

  static Grid e4m3fn();  // float8_e4m3fn, max 448
  static Grid e5m2();    // float8_e5m2, max 57344
  static Grid e2m1();    // fp4, values 0, 0.5, 1, 1.5, 2, 3, 4, 6; stored in U8
  static Grid e8m0();    // unsigned powers of two 2^-126 .. 2^127 and 0 (code 0), 0xFF NaN; U8
  static Grid int8();    // -127 .. 127
  static Grid int4();    // -7 .. 7; stored in U8 (low nibble)

  DType storage_dtype() const noexcept { return storage; }
  int code_bits() const noexcept;
  float lowest() const noexcept { return is_signed ? -max_abs : 0.0f; }
  std::string name() const;  // "e4m3fn", "e5m2", "e2m1", "e8m0fnu", "int8", "int4", "e3m2", ...

  bool operator==(const Grid&) const = default;
};

}  // namespace lrq
