// Every backend against references written here for every grid lrq's formats use and a few they
// do not yet (fp6): all codes decoded and encoded, and rounding checked at every grid value, every
// midpoint between neighbours and just beside it, beyond the range and at NaN. Bit for bit.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "backend_fixture.hpp"
#include "backend_test_data.hpp"
#include "lrq/error.hpp"
#include "lrq/float_convert.hpp"

namespace lrq::test {
namespace {

class GridConformance : public BackendTest {};

struct GridCase {
  Grid grid;
  float max_abs;  // from the format's definition, not computed
};

std::vector<GridCase> grid_cases() {
  return {
      {Grid::e4m3fn(), 448.0f},
      {Grid::e5m2(), 57344.0f},
      {Grid::e2m1(), 6.0f},
      {Grid::e8m0(), 0x1p127f},
      {Grid::int8(), 127.0f},
      {Grid::int4(), 7.0f},
      {Grid::minifloat(3, 2, 3, GridSpecials::none, true, DType::U8), 28.0f},  // MX fp6 e3m2
      {Grid::minifloat(2, 3, 1, GridSpecials::none, true, DType::U8), 7.5f},   // MX fp6 e2m3
      {Grid::integer(6, DType::U8), 31.0f},
  };
}

bool same_bits(float a, float b) {
  return std::bit_cast<std::uint32_t>(a) == std::bit_cast<std::uint32_t>(b);
}

bool same_value(float a, float b) {
  return same_bits(a, b) || (std::isnan(a) && std::isnan(b));
}

std::uint32_t code_count(const Grid& grid) {
  return 1u << grid.code_bits();
}

// The value of a code, straight from the definition of each family, in double.
double reference_value(const Grid& grid, std::uint32_t code) {
  if (grid.family == GridFamily::integer) {
    const auto half = static_cast<std::int64_t>(code_count(grid) / 2);
    const auto value = static_cast<std::int64_t>(code);
    return static_cast<double>(value >= half ? value - 2 * half : value);
  }
  const int m = grid.mantissa_bits;
  const int e = grid.exponent_bits;
  const bool negative = grid.is_signed && (code >> (e + m)) % 2 == 1;
  const std::uint32_t field = (code >> m) % (1u << e);
  const std::uint32_t mantissa = code % (1u << m);
  const bool top_field = field == (1u << e) - 1;
  if (grid.specials == GridSpecials::ieee && top_field) {
    return mantissa == 0 ? (negative ? -HUGE_VAL : HUGE_VAL) : std::nan("");
  }
  if (grid.specials == GridSpecials::nan_at_all_ones && top_field && mantissa == (1u << m) - 1) {
    return std::nan("");
  }
  const double fraction = static_cast<double>(mantissa) / std::ldexp(1.0, m);
  const double magnitude =
      field == 0 ? std::ldexp(fraction, 1 - grid.exponent_bias)
                 : std::ldexp(1.0 + fraction, static_cast<int>(field) - grid.exponent_bias);
  return negative ? -magnitude : magnitude;
}

// Codes whose value is a number within the symmetric range (two's complement's extra negative
// integer is not on the grid).
std::vector<std::uint32_t> grid_codes(const Grid& grid) {
  std::vector<std::uint32_t> codes;
  for (std::uint32_t code = 0; code < code_count(grid); ++code) {
    const double value = reference_value(grid, code);
    if (std::isfinite(value) && std::fabs(value) <= grid.max_abs) codes.push_back(code);
  }
  return codes;
}

// Nearest grid value after clamping to the grid's range, ties to the even code; minifloats keep
// the input's sign (zero included), integers give +0.
float reference_round(const Grid& grid, float x) {
  if (std::isnan(x)) return x;
  const float low = grid.is_signed ? -grid.max_abs : 0.0f;
  const float clamped = x < low ? low : (grid.max_abs < x ? grid.max_abs : x);
  const bool integer = grid.family == GridFamily::integer;
  const double target = integer ? clamped : std::fabs(clamped);
  double best = 0.0;
  std::uint32_t best_code = 0;
  bool found = false;
  for (std::uint32_t code : grid_codes(grid)) {
    const double value = reference_value(grid, code);
    if (!integer && (value < 0.0 || std::signbit(value))) continue;
    const double distance = std::fabs(value - target);
    const double best_distance = std::fabs(best - target);
    const bool tie_to_even = distance == best_distance && code % 2 == 0 && best_code % 2 == 1;
    if (!found || distance < best_distance || tie_to_even) {
      best = value;
      best_code = code;
      found = true;
    }
  }
  if (integer) return static_cast<float>(best) + 0.0f;
  return std::copysign(static_cast<float>(best), clamped);
}

// Every grid value, every midpoint of neighbours and the floats just beside it, a quarter of the
// way, both signs, beyond the range, and NaN.
std::vector<float> rounding_probes(const Grid& grid) {
  std::vector<double> values;
  for (std::uint32_t code : grid_codes(grid))
    values.push_back(reference_value(grid, code));
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  std::vector<float> probes;
  for (std::size_t i = 0; i + 1 < values.size(); ++i) {
    const auto a = static_cast<float>(values[i]);
    const auto b = static_cast<float>(values[i + 1]);
    const float middle = a + (b - a) / 2.0f;
    for (float probe :
         {a, middle, std::nextafter(middle, a), std::nextafter(middle, b), a + (b - a) / 4.0f}) {
      probes.push_back(probe);
      probes.push_back(-probe);
    }
  }
  const float top = grid.max_abs;
  for (float beyond : {top * 1.25f, top * 2.0f, 3.0e38f, std::numeric_limits<float>::infinity()}) {
    probes.push_back(beyond);
    probes.push_back(-beyond);
  }
  probes.push_back(-0.0f);
  probes.push_back(std::numeric_limits<float>::quiet_NaN());
  return probes;
}

std::string describe(const Grid& grid) {
  return grid.name();
}

TEST(GridDescription, DerivesTheLargestFiniteValueAndTheCodeWidth) {
  for (const GridCase& c : grid_cases()) {
    EXPECT_EQ(c.grid.max_abs, c.max_abs) << describe(c.grid);
    double largest = 0.0;
    for (std::uint32_t code = 0; code < code_count(c.grid); ++code) {
      const double value = reference_value(c.grid, code);
      if (std::isfinite(value)) largest = std::max(largest, value);
    }
    EXPECT_EQ(largest, static_cast<double>(c.max_abs)) << describe(c.grid);
  }
  EXPECT_EQ(Grid::e4m3fn().code_bits(), 8);
  EXPECT_EQ(Grid::e8m0().code_bits(), 8);
  EXPECT_EQ(Grid::e2m1().code_bits(), 4);
  EXPECT_EQ(Grid::int4().code_bits(), 4);
  EXPECT_EQ(Grid::e8m0().name(), "e8m0fnu");
}

TEST(GridDescription, RejectsGridsNoBackendCanHold) {
  EXPECT_THROW(Grid::minifloat(5, 3, 15, GridSpecials::ieee, true, DType::U8), Error);  // 9 bits
  EXPECT_THROW(Grid::minifloat(8, 0, 200, GridSpecials::none, false, DType::U8), Error);
  EXPECT_THROW(Grid::minifloat(4, 3, 7, GridSpecials::none, true, DType::F16), Error);
  EXPECT_THROW(Grid::integer(12, DType::U8), Error);
}

TEST(GridDescription, AgreesWithTheDedicatedFloat8Conversions) {
  for (std::uint32_t code = 0; code < 256; ++code) {
    const auto byte = static_cast<std::uint8_t>(code);
    EXPECT_TRUE(
        same_value(static_cast<float>(reference_value(Grid::e4m3fn(), code)), e4m3fn_to_f32(byte)))
        << code;
    EXPECT_TRUE(
        same_value(static_cast<float>(reference_value(Grid::e5m2(), code)), e5m2_to_f32(byte)))
        << code;
  }
  const std::vector<float> e2m1 = {0.0f, 0.5f, 1.0f, 1.5f, 2.0f, 3.0f, 4.0f, 6.0f};
  for (std::uint32_t code = 0; code < 16; ++code) {
    const float expected = code < 8 ? e2m1[code] : -e2m1[code - 8];
    EXPECT_TRUE(same_bits(static_cast<float>(reference_value(Grid::e2m1(), code)), expected))
        << code;
  }
}

TEST_P(GridConformance, DecodesEveryCode) {
  for (const GridCase& c : grid_cases()) {
    const std::uint32_t count = code_count(c.grid);
    std::vector<std::uint8_t> codes(count);
    for (std::uint32_t code = 0; code < count; ++code)
      codes[code] = static_cast<std::uint8_t>(code);
    const DeviceTensor stored =
        backend().upload(TensorView{DType::U8, {1, count}, std::as_bytes(std::span(codes))});
    const std::vector<float> decoded = download_floats(backend(), backend().decode(stored, c.grid));
    for (std::uint32_t code = 0; code < count; ++code) {
      const auto expected = static_cast<float>(reference_value(c.grid, code));
      ASSERT_TRUE(same_value(decoded[code], expected))
          << describe(c.grid) << " code " << code << ": " << decoded[code] << ", expected "
          << expected;
    }
  }
}

TEST_P(GridConformance, EncodesEveryValueToItsCode) {
  for (const GridCase& c : grid_cases()) {
    const std::vector<std::uint32_t> codes = grid_codes(c.grid);
    std::vector<float> values;
    for (std::uint32_t code : codes)
      values.push_back(static_cast<float>(reference_value(c.grid, code)));
    const auto count = static_cast<std::int64_t>(values.size());
    const DeviceTensor encoded =
        backend().encode(upload_floats(backend(), values, {1, count}), c.grid);
    EXPECT_EQ(encoded.dtype, c.grid.storage_dtype()) << describe(c.grid);
    const std::vector<std::uint8_t> bytes = download_bytes(backend(), encoded);
    for (std::size_t i = 0; i < codes.size(); ++i) {
      ASSERT_EQ(bytes[i], codes[i]) << describe(c.grid) << " value " << values[i];
    }
  }
}

TEST_P(GridConformance, EncodeRefusesWhatIsNotOnTheGrid) {
  for (const GridCase& c : grid_cases()) {
    std::vector<float> refused = {c.max_abs * 1.25f, std::numeric_limits<float>::quiet_NaN(),
                                  std::numeric_limits<float>::infinity()};
    const std::vector<float> probes = rounding_probes(c.grid);
    // A midpoint between two neighbours is on no grid.
    refused.push_back(probes[2]);
    if (!c.grid.is_signed) refused.push_back(-1.0f);
    for (float value : refused) {
      std::vector<float> values(16, 0.0f);
      values[5] = value;
      EXPECT_THROW(backend().encode(upload_floats(backend(), values, {4, 4}), c.grid), Error)
          << describe(c.grid) << " " << value;
    }
  }
}

TEST_P(GridConformance, RoundsToTheNearestValueTiesToTheEvenCode) {
  const std::vector<float> unit(1, 1.0f);
  for (const GridCase& c : grid_cases()) {
    const std::vector<float> probes = rounding_probes(c.grid);
    const auto count = static_cast<std::int64_t>(probes.size());
    const std::vector<float> rounded =
        download_floats(backend(), backend().quantize(upload_floats(backend(), probes, {1, count}),
                                                      upload_floats(backend(), unit, {1, 1}),
                                                      ScaleLayout::per_tensor(), c.grid));
    for (std::size_t i = 0; i < probes.size(); ++i) {
      const float expected = reference_round(c.grid, probes[i]);
      // Integers have one zero; the sign a float keeps there is not stored.
      const bool equal = same_value(rounded[i], expected) ||
                         (c.grid.family == GridFamily::integer && rounded[i] == expected);
      ASSERT_TRUE(equal) << describe(c.grid) << " probe " << probes[i] << " -> " << rounded[i]
                         << ", expected " << expected;
    }
  }
}

// The generic rounding replaced dedicated e4m3fn and int8 code: it must give the same bits, here
// against lrq's table-based float8 conversion and the C library's rounding, over a sweep of every
// 1024th float32 bit pattern up to 500, both signs.
TEST_P(GridConformance, KeepsTheFloat8AndInt8ResultsBitIdentical) {
  std::vector<float> sweep;
  for (std::uint32_t bits = 0; bits <= std::bit_cast<std::uint32_t>(500.0f); bits += 1024) {
    sweep.push_back(std::bit_cast<float>(bits));
    sweep.push_back(-std::bit_cast<float>(bits));
  }
  const auto count = static_cast<std::int64_t>(sweep.size());
  const DeviceTensor x = upload_floats(backend(), sweep, {1, count});
  const std::vector<float> unit(1, 1.0f);
  const DeviceTensor one = upload_floats(backend(), unit, {1, 1});
  const std::vector<float> fp8 = download_floats(
      backend(), backend().quantize(x, one, ScaleLayout::per_tensor(), Grid::e4m3fn()));
  const std::vector<float> int8 = download_floats(
      backend(), backend().quantize(x, one, ScaleLayout::per_tensor(), Grid::int8()));
  for (std::size_t i = 0; i < sweep.size(); ++i) {
    const float clamped_fp8 = std::clamp(sweep[i], -448.0f, 448.0f);
    ASSERT_TRUE(same_bits(fp8[i], e4m3fn_to_f32(f32_to_e4m3fn(clamped_fp8)))) << sweep[i];
    ASSERT_EQ(int8[i], std::nearbyint(std::clamp(sweep[i], -127.0f, 127.0f))) << sweep[i];
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, GridConformance, ::testing::ValuesIn(backend_names()),
                         backend_test_name);

}  // namespace
}  // namespace lrq::test
