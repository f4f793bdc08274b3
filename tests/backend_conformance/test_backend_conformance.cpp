// Every backend against straightforward references written here, with the same cases and
// tolerances. Round-to-nearest and everything element-wise must match bit for bit.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

#include "backend_fixture.hpp"
#include "backend_test_data.hpp"
#include "lrq/error.hpp"
#include "lrq/float_convert.hpp"

namespace lrq::test {
namespace {

class BackendConformance : public BackendTest {};

const ScaleLayout kLayouts[] = {
    ScaleLayout::per_tensor(),  ScaleLayout::per_row(),     ScaleLayout::blocks(64, 64),
    ScaleLayout::blocks(1, 32), ScaleLayout::blocks(1, 16),
};

bool same_bits(float a, float b) {
  return std::bit_cast<std::uint32_t>(a) == std::bit_cast<std::uint32_t>(b);
}

TEST_P(BackendConformance, UploadDownloadRoundTripsBytes) {
  std::vector<std::uint8_t> bytes(1000);
  for (std::size_t i = 0; i < bytes.size(); ++i)
    bytes[i] = static_cast<std::uint8_t>(i * 7);
  const DeviceTensor tensor =
      backend().upload(TensorView{DType::U8, {10, 100}, std::as_bytes(std::span(bytes))});
  EXPECT_EQ(tensor.dtype, DType::U8);
  EXPECT_EQ(tensor.shape, (Shape{10, 100}));
  EXPECT_EQ(download_bytes(backend(), tensor), bytes);
}

TEST_P(BackendConformance, WidensEvery16BitCodeExactly) {
  std::vector<std::uint16_t> codes(65536);
  for (std::size_t i = 0; i < codes.size(); ++i)
    codes[i] = static_cast<std::uint16_t>(i);
  for (DType dtype : {DType::BF16, DType::F16}) {
    const DeviceTensor raw =
        backend().upload(TensorView{dtype, {256, 256}, std::as_bytes(std::span(codes))});
    const std::vector<float> widened = download_floats(backend(), backend().to_f32(raw));
    for (std::size_t i = 0; i < codes.size(); ++i) {
      const float expected = dtype == DType::BF16 ? bf16_to_f32(codes[i]) : f16_to_f32(codes[i]);
      ASSERT_TRUE(same_bits(widened[i], expected) ||
                  (std::isnan(widened[i]) && std::isnan(expected)))
          << safetensors_name(dtype) << " code " << i;
    }
  }
}

TEST_P(BackendConformance, WidensEvery8BitCodeExactly) {
  std::vector<std::uint8_t> codes(256);
  for (std::size_t i = 0; i < codes.size(); ++i)
    codes[i] = static_cast<std::uint8_t>(i);
  for (DType dtype : {DType::F8_E4M3, DType::I8}) {
    const DeviceTensor raw =
        backend().upload(TensorView{dtype, {16, 16}, std::as_bytes(std::span(codes))});
    const std::vector<float> widened = download_floats(backend(), backend().to_f32(raw));
    for (std::size_t i = 0; i < codes.size(); ++i) {
      const float expected = dtype == DType::I8
                                 ? static_cast<float>(static_cast<std::int8_t>(codes[i]))
                                 : e4m3fn_to_f32(codes[i]);
      ASSERT_TRUE(same_bits(widened[i], expected) ||
                  (std::isnan(widened[i]) && std::isnan(expected)))
          << safetensors_name(dtype) << " code " << i;
    }
  }
}

TEST_P(BackendConformance, AbsmaxPerCellMatchesReference) {
  const std::int64_t rows = 192;
  const std::int64_t cols = 320;
  const std::vector<float> values = mixed_magnitudes(rows, cols, 1);
  const DeviceTensor x = upload_floats(backend(), values, {rows, cols});
  for (const ScaleLayout& layout : kLayouts) {
    const Shape cells = layout.cells(rows, cols);
    std::vector<float> expected(static_cast<std::size_t>(element_count(cells)), 0.0f);
    for (std::int64_t r = 0; r < rows; ++r) {
      for (std::int64_t c = 0; c < cols; ++c) {
        float& cell = expected[static_cast<std::size_t>(cell_of(layout, r, c, cols))];
        cell = std::max(cell, std::fabs(values[static_cast<std::size_t>(r * cols + c)]));
      }
    }
    const DeviceTensor maxima = backend().absmax(x, layout);
    EXPECT_EQ(maxima.shape, cells) << layout.describe();
    EXPECT_EQ(download_floats(backend(), maxima), expected) << layout.describe();
  }
}

TEST_P(BackendConformance, AbsmaxIsInfiniteExactlyWhereNanOrInfinityIs) {
  const std::int64_t rows = 128;
  const std::int64_t cols = 128;
  std::vector<float> values(static_cast<std::size_t>(rows * cols), 0.5f);
  values[5] = std::numeric_limits<float>::quiet_NaN();                // block (0, 0)
  values[70 * cols + 100] = -std::numeric_limits<float>::infinity();  // block (1, 1)
  const DeviceTensor x = upload_floats(backend(), values, {rows, cols});
  const std::vector<float> blocks =
      download_floats(backend(), backend().absmax(x, ScaleLayout::blocks(64, 64)));
  const float inf = std::numeric_limits<float>::infinity();
  EXPECT_EQ(blocks, (std::vector<float>{inf, 0.5f, 0.5f, inf}));
  const std::vector<float> tensor =
      download_floats(backend(), backend().absmax(x, ScaleLayout::per_tensor()));
  EXPECT_EQ(tensor, std::vector<float>{inf});
}

std::vector<float> cell_multipliers(const Shape& cells) {
  std::vector<float> multipliers(static_cast<std::size_t>(element_count(cells)));
  for (std::size_t i = 0; i < multipliers.size(); ++i) {
    multipliers[i] =
        std::ldexp(1.0f + 0.37f * static_cast<float>(i % 5), static_cast<int>(i % 3) - 1);
  }
  return multipliers;
}

TEST_P(BackendConformance, QuantizeRoundsToNearestEvenOnEachGrid) {
  const std::int64_t rows = 128;
  const std::int64_t cols = 192;
  const std::vector<float> values = mixed_magnitudes(rows, cols, 2);
  const DeviceTensor x = upload_floats(backend(), values, {rows, cols});
  for (const Grid grid : {Grid::e4m3fn(), Grid::int8()}) {
    for (const ScaleLayout& layout : kLayouts) {
      const Shape cells = layout.cells(rows, cols);
      const std::vector<float> multipliers = cell_multipliers(cells);
      const std::vector<float> quantized = download_floats(
          backend(),
          backend().quantize(x, upload_floats(backend(), multipliers, cells), layout, grid));
      for (std::int64_t r = 0; r < rows; ++r) {
        for (std::int64_t c = 0; c < cols; ++c) {
          const std::size_t i = static_cast<std::size_t>(r * cols + c);
          const float m = multipliers[static_cast<std::size_t>(cell_of(layout, r, c, cols))];
          const float scaled = std::clamp(values[i] * m, -grid.max_abs, grid.max_abs);
          const float expected = grid == Grid::e4m3fn() ? e4m3fn_to_f32(f32_to_e4m3fn(scaled))
                                                        : std::nearbyint(scaled);
          ASSERT_TRUE(same_bits(quantized[i], expected) ||
                      (expected == 0.0f && quantized[i] == 0.0f && grid == Grid::int8()))
              << layout.describe() << " value " << values[i] << " * " << m << " -> " << quantized[i]
              << ", expected " << expected;
        }
      }
    }
  }
}

TEST_P(BackendConformance, EncodeWritesStorageCodes) {
  const std::int64_t rows = 64;
  const std::int64_t cols = 96;
  const std::vector<float> values = mixed_magnitudes(rows, cols, 3);
  const DeviceTensor x = upload_floats(backend(), values, {rows, cols});
  const std::vector<float> unit(1, 1.0f);
  for (const Grid grid : {Grid::e4m3fn(), Grid::int8()}) {
    const DeviceTensor on_grid = backend().quantize(x, upload_floats(backend(), unit, {1, 1}),
                                                    ScaleLayout::per_tensor(), grid);
    const std::vector<float> grid_values = download_floats(backend(), on_grid);
    const DeviceTensor codes = backend().encode(on_grid, grid);
    EXPECT_EQ(codes.dtype, grid.storage_dtype());
    EXPECT_EQ(codes.shape, (Shape{rows, cols}));
    const std::vector<std::uint8_t> bytes = download_bytes(backend(), codes);
    for (std::size_t i = 0; i < bytes.size(); ++i) {
      const std::uint8_t expected =
          grid == Grid::e4m3fn()
              ? f32_to_e4m3fn(grid_values[i])
              : static_cast<std::uint8_t>(static_cast<std::int8_t>(grid_values[i]));
      ASSERT_EQ(bytes[i], expected) << "value " << grid_values[i];
    }
  }
}

TEST_P(BackendConformance, EncodeRefusesValuesOffTheGrid) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const std::vector<std::pair<Grid, float>> off_grid = {
      {Grid::e4m3fn(), 1.1f},  {Grid::e4m3fn(), 500.0f}, {Grid::e4m3fn(), 0x1p-12f},
      {Grid::e4m3fn(), nan},   {Grid::int8(), 0.5f},     {Grid::int8(), 128.0f},
      {Grid::int8(), -128.0f}, {Grid::int8(), nan},
  };
  for (const auto& [grid, value] : off_grid) {
    std::vector<float> values(64, 1.0f);
    values[17] = value;
    const DeviceTensor x = upload_floats(backend(), values, {8, 8});
    EXPECT_THROW(backend().encode(x, grid), Error) << value;
  }
}

TEST_P(BackendConformance, ToF32RefusesANonNumericTensorWithAnError) {
  const std::vector<std::uint8_t> bytes(16, 1);
  for (DType dtype : {DType::U8, DType::BOOL}) {
    const DeviceTensor raw =
        backend().upload(TensorView{dtype, {4, 4}, std::as_bytes(std::span(bytes))});
    EXPECT_THROW(backend().to_f32(raw), Error) << safetensors_name(dtype);
  }
}

TEST_P(BackendConformance, DequantizeMultipliesByTheCellScale) {
  const std::int64_t rows = 128;
  const std::int64_t cols = 128;
  const std::vector<float> values = mixed_magnitudes(rows, cols, 4);
  const DeviceTensor x = upload_floats(backend(), values, {rows, cols});
  for (const ScaleLayout& layout : kLayouts) {
    const Shape cells = layout.cells(rows, cols);
    const std::vector<float> scales = cell_multipliers(cells);
    const std::vector<float> result = download_floats(
        backend(), backend().dequantize(x, upload_floats(backend(), scales, cells), layout));
    for (std::int64_t r = 0; r < rows; ++r) {
      for (std::int64_t c = 0; c < cols; ++c) {
        const std::size_t i = static_cast<std::size_t>(r * cols + c);
        ASSERT_EQ(result[i],
                  values[i] * scales[static_cast<std::size_t>(cell_of(layout, r, c, cols))]);
      }
    }
  }
}

TEST_P(BackendConformance, QuantizationErrorMatchesADoubleReference) {
  const std::int64_t rows = 320;
  const std::int64_t cols = 448;
  const std::vector<float> reference = mixed_magnitudes(rows, cols, 5);
  std::vector<float> values = reference;
  for (std::size_t i = 0; i < values.size(); i += 3)
    values[i] *= 1.01f;
  for (const ScaleLayout& layout : kLayouts) {
    const Shape cells = layout.cells(rows, cols);
    const std::vector<float> scales = cell_multipliers(cells);
    double reference_sum = 0.0;
    double error_sum = 0.0;
    for (std::int64_t r = 0; r < rows; ++r) {
      for (std::int64_t c = 0; c < cols; ++c) {
        const std::size_t i = static_cast<std::size_t>(r * cols + c);
        const float s = scales[static_cast<std::size_t>(cell_of(layout, r, c, cols))];
        const double e = static_cast<double>(reference[i]) - static_cast<double>(values[i] * s);
        reference_sum += static_cast<double>(reference[i]) * reference[i];
        error_sum += e * e;
      }
    }
    const ErrorNorms norms =
        backend().quantization_error(upload_floats(backend(), reference, {rows, cols}),
                                     upload_floats(backend(), values, {rows, cols}),
                                     upload_floats(backend(), scales, cells), layout);
    EXPECT_NEAR(norms.reference, std::sqrt(reference_sum), 1e-12 * std::sqrt(reference_sum))
        << layout.describe();
    EXPECT_NEAR(norms.error, std::sqrt(error_sum), 1e-12 * std::sqrt(error_sum))
        << layout.describe();
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, BackendConformance, ::testing::ValuesIn(backend_names()),
                         backend_test_name);

}  // namespace
}  // namespace lrq::test
