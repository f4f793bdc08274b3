// Every backend's round_with_feedback (GPTQ's inner step) against the step written out here with
// the same float operations in the same order: values, errors and the updated weight bit for bit,
// for every grid and scale layout, with permuted columns.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <numeric>

#include "backend_fixture.hpp"
#include "backend_test_data.hpp"
#include "linear_algebra_reference.hpp"
#include "lrq/float_convert.hpp"

namespace lrq::test {
namespace {

class FeedbackConformance : public BackendTest {};

const ScaleLayout kLayouts[] = {
    ScaleLayout::per_tensor(),
    ScaleLayout::per_row(),
    ScaleLayout::blocks(64, 64),
    ScaleLayout::blocks(1, 16),
};

struct Step {
  std::vector<float> w;
  std::vector<float> values;
  std::vector<float> errors;
};

float round_to(const Grid& grid, float scaled) {
  return grid == Grid::e4m3fn() ? e4m3fn_to_f32(f32_to_e4m3fn(scaled)) : std::nearbyint(scaled);
}

// The definition in Backend::round_with_feedback, row by row.
Step reference_step(Step step, std::int64_t rows, std::int64_t cols, const std::vector<float>& u,
                    std::int64_t n, std::int64_t first, const std::vector<std::int64_t>& columns,
                    const std::vector<float>& multiplier, const std::vector<float>& scale,
                    const ScaleLayout& layout, const Grid& grid) {
  step.errors.assign(static_cast<std::size_t>(rows * n), 0.0f);
  for (std::int64_t r = 0; r < rows; ++r) {
    for (std::int64_t j = 0; j < n; ++j) {
      const std::int64_t c = first + j;
      const auto cell =
          static_cast<std::size_t>(cell_of(layout, r, columns[static_cast<std::size_t>(c)], cols));
      const float x = step.w[static_cast<std::size_t>(r * cols + c)];
      const float value =
          round_to(grid, std::clamp(x * multiplier[cell], -grid.max_abs, grid.max_abs));
      step.values[static_cast<std::size_t>(r * cols + c)] = value;
      const float error = (x - value * scale[cell]) / u[static_cast<std::size_t>(j * n + j)];
      step.errors[static_cast<std::size_t>(r * n + j)] = error;
      for (std::int64_t later = j + 1; later < n; ++later) {
        step.w[static_cast<std::size_t>(r * cols + first + later)] -=
            error * u[static_cast<std::size_t>(j * n + later)];
      }
    }
  }
  return step;
}

// An upper-triangular u with a positive diagonal of moderate size, like a Cholesky factor's.
std::vector<float> upper_factor(std::int64_t n, std::uint64_t seed) {
  std::vector<float> u = gaussian_values(n, n, seed);
  for (std::int64_t i = 0; i < n; ++i) {
    for (std::int64_t j = 0; j < n; ++j) {
      float& entry = u[static_cast<std::size_t>(i * n + j)];
      entry = j < i ? 0.0f : (j == i ? 0.5f + std::fabs(entry) : 0.1f * entry);
    }
  }
  return u;
}

bool same_value(float a, float b) {
  return std::bit_cast<std::uint32_t>(a) == std::bit_cast<std::uint32_t>(b) ||
         (a == 0.0f && b == 0.0f);  // the int8 reference's nearbyint keeps -0
}

void expect_same(const std::vector<float>& result, const std::vector<float>& expected,
                 const char* what, const std::string& context) {
  ASSERT_EQ(result.size(), expected.size());
  for (std::size_t i = 0; i < result.size(); ++i) {
    ASSERT_TRUE(same_value(result[i], expected[i]))
        << context << ": " << what << "[" << i << "] " << result[i] << ", expected " << expected[i];
  }
}

TEST_P(FeedbackConformance, RoundsFeedsAndUpdatesLikeTheDefinition) {
  const std::int64_t rows = 200;  // block layouts use the first 192: whole tiles of 64
  const std::int64_t cols = 256;
  const std::int64_t n = 96;
  const std::int64_t first = 64;
  const std::vector<float> u = upper_factor(n, 11);
  std::vector<std::int64_t> permuted(static_cast<std::size_t>(cols));
  std::iota(permuted.begin(), permuted.end(), 0);
  std::reverse(permuted.begin() + 32, permuted.end());
  std::vector<std::int64_t> identity = permuted;
  std::iota(identity.begin(), identity.end(), 0);
  for (const Grid grid : {Grid::e4m3fn(), Grid::int8()}) {
    for (const ScaleLayout& layout : kLayouts) {
      for (const bool permute : {false, true}) {
        const std::string context = layout.describe() +
                                    (grid == Grid::int8() ? " int8" : " e4m3fn") +
                                    (permute ? " permuted" : "");
        const std::int64_t used_rows = layout.granularity == ScaleGranularity::block ? 192 : rows;
        std::vector<float> w = gaussian_values(used_rows, cols, 12);
        const Shape cells = layout.cells(used_rows, cols);
        std::vector<float> multiplier(static_cast<std::size_t>(element_count(cells)));
        std::vector<float> scale(multiplier.size());
        for (std::size_t i = 0; i < multiplier.size(); ++i) {
          multiplier[i] = grid.max_abs / (3.0f + static_cast<float>(i % 7));
          scale[i] = 1.0f / multiplier[i];
        }
        const std::vector<float> before_values(static_cast<std::size_t>(used_rows * cols), 7.0f);
        const Step expected =
            reference_step({w, before_values, {}}, used_rows, cols, u, n, first,
                           permute ? permuted : identity, multiplier, scale, layout, grid);

        DeviceTensor w_device = upload_floats(backend(), w, {used_rows, cols});
        DeviceTensor values = upload_floats(backend(), before_values, {used_rows, cols});
        const LayerQuantization quantization{grid, layout, upload_floats(backend(), scale, cells),
                                             upload_floats(backend(), multiplier, cells)};
        const std::vector<std::int64_t> none;
        const DeviceTensor errors = backend().round_with_feedback(
            w_device, upload_floats(backend(), u, {n, n}), quantization,
            {first, permute ? std::span<const std::int64_t>(permuted)
                            : std::span<const std::int64_t>(none)},
            values);
        ASSERT_EQ(errors.shape, (Shape{used_rows, n}));
        expect_same(download_floats(backend(), values), expected.values, "values", context);
        expect_same(download_floats(backend(), errors), expected.errors, "errors", context);
        expect_same(download_floats(backend(), w_device), expected.w, "w", context);
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, FeedbackConformance, ::testing::ValuesIn(backend_names()),
                         backend_test_name);

}  // namespace
}  // namespace lrq::test
