// Cases the conformance suites leave out but a GPU implementation can get wrong: the conversions
// they do not cover, shapes that split into many tiles or narrow ones, reductions that must give
// the same bits on every run, and singular vectors signed like the cpu backend's. Runs on every
// backend.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <utility>

#include "backend_fixture.hpp"
#include "backend_test_data.hpp"
#include "linear_algebra_reference.hpp"
#include "lrq/error.hpp"
#include "lrq/float_convert.hpp"
#include "real_plugins.hpp"

namespace lrq::test {
namespace {

class BackendKernels : public BackendTest {};

bool same_bits(float a, float b) {
  return std::bit_cast<std::uint32_t>(a) == std::bit_cast<std::uint32_t>(b);
}

bool same_bits(double a, double b) {
  return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

TEST_P(BackendKernels, WidensF64AndE5m2Exactly) {
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<double> doubles = {
      0.0,      -0.0,     1.0 + 0x1p-24, 1.0 + 0x3p-24, -(1.0 + 0x1p-23 + 0x1p-30),
      1e300,    -1e300,   1e-300,        1e-40,         -3e-45,
      0x1p-149, 0x1p-150, inf,           -inf,          65504.5,
      3.14159,  -2.5e38,  3.5e38};
  const DeviceTensor wide = backend().upload(TensorView{
      DType::F64, {static_cast<std::int64_t>(doubles.size())}, std::as_bytes(std::span(doubles))});
  const std::vector<float> narrowed = download_floats(backend(), backend().to_f32(wide));
  for (std::size_t i = 0; i < doubles.size(); ++i) {
    EXPECT_TRUE(same_bits(narrowed[i], static_cast<float>(doubles[i]))) << doubles[i];
  }
  std::vector<std::uint8_t> codes(256);
  for (std::size_t i = 0; i < codes.size(); ++i)
    codes[i] = static_cast<std::uint8_t>(i);
  const DeviceTensor raw =
      backend().upload(TensorView{DType::F8_E5M2, {16, 16}, std::as_bytes(std::span(codes))});
  const std::vector<float> widened = download_floats(backend(), backend().to_f32(raw));
  for (std::size_t i = 0; i < codes.size(); ++i) {
    const float expected = e5m2_to_f32(codes[i]);
    EXPECT_TRUE(same_bits(widened[i], expected) || (std::isnan(widened[i]) && std::isnan(expected)))
        << "code " << i;
  }
}

TEST_P(BackendKernels, EncodesEveryE4m3fnValueToItsOwnCode) {
  std::vector<float> values;
  std::vector<std::uint8_t> expected;
  for (int code = 0; code < 256; ++code) {
    if ((code & 0x7F) == 0x7F) continue;  // NaN
    values.push_back(e4m3fn_to_f32(static_cast<std::uint8_t>(code)));
    expected.push_back(static_cast<std::uint8_t>(code));  // -0.0 included: code 0x80
  }
  const DeviceTensor x = upload_floats(backend(), values, {2, 127});
  EXPECT_EQ(download_bytes(backend(), backend().encode(x, Grid::e4m3fn())), expected);
}

TEST_P(BackendKernels, StaysUsableAfterAnEncodeFailure) {
  const DeviceTensor off_grid = upload_floats(backend(), std::vector<float>(64, 0.3f), {8, 8});
  EXPECT_THROW(backend().encode(off_grid, Grid::int8()), Error);
  const DeviceTensor on_grid = upload_floats(backend(), std::vector<float>(64, 3.0f), {8, 8});
  EXPECT_EQ(download_bytes(backend(), backend().encode(on_grid, Grid::int8())),
            std::vector<std::uint8_t>(64, 3));
}

struct TiledCase {
  std::int64_t rows;
  std::int64_t cols;
  ScaleLayout layout;
};

// Rows longer than one tile, many narrow rows, and blocks both narrower and wider than a
// thread block.
const TiledCase kTiledCases[] = {
    {3, 40000, ScaleLayout::per_row()},      {3, 40000, ScaleLayout::per_tensor()},
    {1000, 24, ScaleLayout::per_tensor()},   {1000, 24, ScaleLayout::per_row()},
    {256, 512, ScaleLayout::blocks(32, 32)}, {1024, 1024, ScaleLayout::blocks(512, 512)},
};

TEST_P(BackendKernels, AbsmaxAndQuantizeMatchTheReferenceOverManyTiles) {
  for (const TiledCase& tiled : kTiledCases) {
    const std::vector<float> values = mixed_magnitudes(tiled.rows, tiled.cols, 21);
    const DeviceTensor x = upload_floats(backend(), values, {tiled.rows, tiled.cols});
    const Shape cell_shape = tiled.layout.cells(tiled.rows, tiled.cols);
    std::vector<float> maxima(static_cast<std::size_t>(element_count(cell_shape)), 0.0f);
    for (std::int64_t r = 0; r < tiled.rows; ++r) {
      for (std::int64_t c = 0; c < tiled.cols; ++c) {
        float& cell = maxima[static_cast<std::size_t>(cell_of(tiled.layout, r, c, tiled.cols))];
        cell = std::max(cell, std::fabs(values[static_cast<std::size_t>(r * tiled.cols + c)]));
      }
    }
    const DeviceTensor cells = backend().absmax(x, tiled.layout);
    ASSERT_EQ(download_floats(backend(), cells), maxima) << tiled.layout.describe();

    // multiplier = 448 / absmax, the fp8 format's choice.
    std::vector<float> multipliers = maxima;
    for (float& m : multipliers)
      m = m > 0.0f ? kE4m3fnMax / m : 1.0f;
    const std::vector<float> quantized = download_floats(
        backend(), backend().quantize(x, upload_floats(backend(), multipliers, cell_shape),
                                      tiled.layout, Grid::e4m3fn()));
    for (std::int64_t r = 0; r < tiled.rows; ++r) {
      for (std::int64_t c = 0; c < tiled.cols; ++c) {
        const std::size_t i = static_cast<std::size_t>(r * tiled.cols + c);
        const float m =
            multipliers[static_cast<std::size_t>(cell_of(tiled.layout, r, c, tiled.cols))];
        const float scaled = std::clamp(values[i] * m, -kE4m3fnMax, kE4m3fnMax);
        ASSERT_TRUE(same_bits(quantized[i], e4m3fn_to_f32(f32_to_e4m3fn(scaled))))
            << tiled.layout.describe() << " " << tiled.rows << "x" << tiled.cols << " element "
            << i;
      }
    }
  }
}

TEST_P(BackendKernels, ReductionsGiveTheSameBitsOnEveryRun) {
  const std::int64_t rows = 97;
  const std::int64_t cols = 6001;
  const std::vector<float> reference = gaussian_values(rows, cols, 31);
  const std::vector<float> values = gaussian_values(rows, cols, 32);
  const DeviceTensor r = upload_floats(backend(), reference, {rows, cols});
  const DeviceTensor v = upload_floats(backend(), values, {rows, cols});
  const DeviceTensor scale = upload_floats(backend(), {0.75f}, {1, 1});
  const double squares = backend().sum_of_squares(r);
  const ErrorNorms norms = backend().quantization_error(r, v, scale, ScaleLayout::per_tensor());
  for (int run = 0; run < 3; ++run) {
    EXPECT_TRUE(same_bits(backend().sum_of_squares(r), squares));
    const ErrorNorms again = backend().quantization_error(r, v, scale, ScaleLayout::per_tensor());
    EXPECT_TRUE(same_bits(again.reference, norms.reference));
    EXPECT_TRUE(same_bits(again.error, norms.error));
  }
}

TEST_P(BackendKernels, SvdIsDeterministicAndSignsEachPairByTheLargestEntryOfU) {
  const std::int64_t n = 70;
  const std::vector<float> values = gaussian_values(n, n, 33);
  const DeviceTensor a = upload_floats(backend(), values, {n, n});
  const SvdFactors first = backend().svd(a);
  const SvdFactors second = backend().svd(a);
  const std::vector<float> u = download_floats(backend(), first.u);
  EXPECT_EQ(download_floats(backend(), second.u), u);
  EXPECT_EQ(download_floats(backend(), second.v), download_floats(backend(), first.v));
  for (std::int64_t column = 0; column < n; ++column) {
    std::int64_t largest = 0;
    for (std::int64_t row = 1; row < n; ++row) {
      if (std::fabs(u[static_cast<std::size_t>(row * n + column)]) >
          std::fabs(u[static_cast<std::size_t>(largest * n + column)])) {
        largest = row;
      }
    }
    EXPECT_GT(u[static_cast<std::size_t>(largest * n + column)], 0.0f) << "column " << column;
  }
}

// Zero, rank-one, repeated and diagonal matrices: singular vectors are not unique, but u and v
// must still be orthogonal and rebuild the matrix.
TEST_P(BackendKernels, SvdHandlesDegenerateMatrices) {
  const std::int64_t n = 24;
  std::vector<std::pair<std::string, std::vector<float>>> cases;
  cases.emplace_back("zero", std::vector<float>(n * n, 0.0f));
  std::vector<float> rank_one(n * n);
  std::vector<float> repeated(n * n, 0.0f);
  std::vector<float> diagonal(n * n, 0.0f);
  for (std::int64_t r = 0; r < n; ++r) {
    for (std::int64_t c = 0; c < n; ++c)
      rank_one[static_cast<std::size_t>(r * n + c)] = static_cast<float>((r + 1) * (c % 5 - 2));
    repeated[static_cast<std::size_t>(r * n + r)] = r < n / 2 ? 3.0f : -3.0f;
    diagonal[static_cast<std::size_t>(r * n + r)] = static_cast<float>((r * 7) % n);
  }
  cases.emplace_back("rank one", rank_one);
  cases.emplace_back("repeated", repeated);
  cases.emplace_back("diagonal", diagonal);
  for (const auto& [name, values] : cases) {
    const SvdFactors factors = backend().svd(upload_floats(backend(), values, {n, n}));
    const HostMatrix a(values, n, n);
    const HostMatrix u(download_floats(backend(), factors.u), n, n);
    const HostMatrix v(download_floats(backend(), factors.v), n, n);
    const std::vector<float> s = download_floats(backend(), factors.singular_values);
    EXPECT_LE(orthonormality_error(u), 1e-5) << name;
    EXPECT_LE(orthonormality_error(v), 1e-5) << name;
    const std::vector<double> expected = jacobi_singular_values(a);
    for (std::size_t i = 0; i < s.size(); ++i) {
      EXPECT_NEAR(s[i], expected[i], 1e-5 * expected[0] + 1e-30) << name << " " << i;
    }
    const HostMatrix rebuilt = multiply(scale_columns(u, s), transpose(v));
    EXPECT_LE(frobenius_norm(subtract(rebuilt, a)), 1e-5 * frobenius_norm(a) + 1e-30) << name;
  }
}

// Same factors as the cpu backend up to rounding: Householder QR has one sign convention (that of
// LAPACK and Eigen), and svd's pairs are signed by the rule above.
TEST_P(BackendKernels, FactorsAgreeWithTheCpuBackend) {
  if (GetParam() == "cpu") GTEST_SKIP() << "the cpu backend is the reference";
  const auto cpu = make_backend("cpu");
  const auto max_difference = [](const std::vector<float>& a, const std::vector<float>& b) {
    double largest = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i)
      largest = std::max(largest, std::fabs(double{a[i]} - double{b[i]}));
    return largest;
  };
  const std::int64_t rows = 400;
  const std::int64_t cols = 60;
  const std::vector<float> tall = gaussian_values(rows, cols, 34);
  const QrFactors qr = backend().qr(upload_floats(backend(), tall, {rows, cols}));
  const QrFactors cpu_qr = cpu->qr(upload_floats(*cpu, tall, {rows, cols}));
  EXPECT_LE(max_difference(download_floats(backend(), qr.q), download_floats(*cpu, cpu_qr.q)),
            1e-4);
  EXPECT_LE(max_difference(download_floats(backend(), qr.r), download_floats(*cpu, cpu_qr.r)),
            1e-4 * std::sqrt(double(rows)));

  const std::int64_t n = 40;
  const std::vector<float> square = gaussian_values(n, n, 35);
  const SvdFactors svd = backend().svd(upload_floats(backend(), square, {n, n}));
  const SvdFactors cpu_svd = cpu->svd(upload_floats(*cpu, square, {n, n}));
  EXPECT_LE(max_difference(download_floats(backend(), svd.u), download_floats(*cpu, cpu_svd.u)),
            1e-3);
  EXPECT_LE(max_difference(download_floats(backend(), svd.v), download_floats(*cpu, cpu_svd.v)),
            1e-3);
  EXPECT_LE(max_difference(download_floats(backend(), svd.singular_values),
                           download_floats(*cpu, cpu_svd.singular_values)),
            1e-4);
}

INSTANTIATE_TEST_SUITE_P(Backends, BackendKernels, ::testing::ValuesIn(backend_names()),
                         backend_test_name);

}  // namespace
}  // namespace lrq::test
