// The gptq optimizer: it agrees with GPTQ written out straightforwardly in double precision, and on
// correlated inputs it lowers the expected output error on held-out inputs well below
// round-to-nearest's, for every grid and scale layout.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "backend_test_data.hpp"
#include "linear_algebra_reference.hpp"
#include "lrq/error.hpp"
#include "lrq/float_convert.hpp"
#include "real_plugins.hpp"
#include "support/correlated_inputs.hpp"

namespace lrq::test {
namespace {

struct Layer {
  TensorInfo info;
  std::vector<float> values;
  DeviceTensor weight;
  LayerQuantization quantization;
};

Layer make_layer(Backend& backend, std::int64_t rows, std::int64_t cols, const std::string& format,
                 const OptionTexts& options, std::uint64_t seed) {
  Layer layer{{"blocks.0.mlp.weight", DType::F32, {rows, cols}},
              low_rank_plus_noise(rows, cols, 6, 0.7, 0.3, seed),
              {},
              {}};
  layer.weight = upload_floats(backend, layer.values, layer.info.shape);
  layer.quantization = make_format(format, options)->prepare(backend, layer.info, layer.weight);
  return layer;
}

InputStatistics statistics_of(Backend& backend, const InputSample& sample) {
  const auto k = static_cast<std::int64_t>(sample.mean.size());
  std::vector<float> gram(sample.gram.begin(), sample.gram.end());
  InputStatistics inputs{upload_floats(backend, gram, {k, k}), {}, sample.count};
  for (std::int64_t i = 0; i < k; ++i)
    inputs.diagonal.push_back(gram[static_cast<std::size_t>(i * k + i)]);
  return inputs;
}

std::vector<float> run_gptq(Backend& backend, const Layer& layer, const InputStatistics& inputs,
                            const OptionTexts& options = {}) {
  const RoundingResult result =
      make_optimizer("gptq", options)
          ->optimize({backend, layer.info, layer.weight, layer.quantization, 1, false, &inputs});
  return download_floats(backend, result.grid_values);
}

std::vector<float> rtn_values(Backend& backend, const Layer& layer) {
  const LayerQuantization& q = layer.quantization;
  return download_floats(backend, backend.quantize(layer.weight, q.multiplier, q.layout, q.grid));
}

// W - values ⊙ scale, in double.
std::vector<double> error_of(Backend& backend, const Layer& layer,
                             const std::vector<float>& values) {
  const std::vector<float> scale = download_floats(backend, layer.quantization.scale);
  const std::int64_t cols = layer.info.shape[1];
  std::vector<double> error(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    const auto row = static_cast<std::int64_t>(i) / cols;
    const auto col = static_cast<std::int64_t>(i) % cols;
    const float s =
        scale[static_cast<std::size_t>(cell_of(layer.quantization.layout, row, col, cols))];
    error[i] = double{layer.values[i]} - double{values[i] * s};
  }
  return error;
}

// (H + λI)⁻¹ by Gauss-Jordan elimination with partial pivoting.
std::vector<double> damped_inverse(const std::vector<double>& gram, std::size_t k, double lambda) {
  std::vector<double> a = gram;
  std::vector<double> inverse(k * k, 0.0);
  for (std::size_t i = 0; i < k; ++i) {
    a[i * k + i] += lambda;
    inverse[i * k + i] = 1.0;
  }
  for (std::size_t col = 0; col < k; ++col) {
    std::size_t pivot = col;
    for (std::size_t r = col + 1; r < k; ++r) {
      if (std::fabs(a[r * k + col]) > std::fabs(a[pivot * k + col])) pivot = r;
    }
    for (std::size_t j = 0; j < k; ++j) {
      std::swap(a[col * k + j], a[pivot * k + j]);
      std::swap(inverse[col * k + j], inverse[pivot * k + j]);
    }
    const double diagonal = a[col * k + col];
    for (std::size_t j = 0; j < k; ++j) {
      a[col * k + j] /= diagonal;
      inverse[col * k + j] /= diagonal;
    }
    for (std::size_t r = 0; r < k; ++r) {
      if (r == col) continue;
      const double factor = a[r * k + col];
      for (std::size_t j = 0; j < k; ++j) {
        a[r * k + j] -= factor * a[col * k + j];
        inverse[r * k + j] -= factor * inverse[col * k + j];
      }
    }
  }
  return inverse;
}

// GPTQ as optimal brain quantization states it, in double: with Hinv = (H + λI)⁻¹, λ = 0.01
// mean(diag H), the columns are rounded by decreasing diag(H); a column's rounding error reaches
// every column not yet rounded through its row of Hinv, and the column then leaves Hinv
// (Hinv -= Hinv[:, c] Hinv[c, :] / Hinv[c, c]).
std::vector<float> reference_gptq(Backend& backend, const Layer& layer, const InputSample& sample) {
  const std::int64_t rows = layer.info.shape[0];
  const std::int64_t cols = layer.info.shape[1];
  const auto k = static_cast<std::size_t>(cols);
  double mean_diagonal = 0.0;
  for (std::size_t i = 0; i < k; ++i)
    mean_diagonal += sample.gram[i * k + i] / static_cast<double>(k);
  // gptq damps H rounded to float, as the statistics reach it.
  std::vector<double> gram(sample.gram.size());
  for (std::size_t i = 0; i < gram.size(); ++i)
    gram[i] = static_cast<float>(sample.gram[i]);
  std::vector<double> inverse = damped_inverse(gram, k, 0.01 * mean_diagonal);
  std::vector<std::int64_t> order(k);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::int64_t a, std::int64_t b) {
    return static_cast<float>(gram[static_cast<std::size_t>(a) * (k + 1)]) >
           static_cast<float>(gram[static_cast<std::size_t>(b) * (k + 1)]);
  });
  const std::vector<float> multiplier = download_floats(backend, layer.quantization.multiplier);
  const std::vector<float> scale = download_floats(backend, layer.quantization.scale);
  const Grid grid = layer.quantization.grid;
  std::vector<double> w(layer.values.begin(), layer.values.end());
  std::vector<float> values(layer.values.size());
  std::vector<bool> done(k, false);
  for (const std::int64_t c : order) {
    const auto col = static_cast<std::size_t>(c);
    const double pivot = inverse[col * k + col];
    for (std::int64_t r = 0; r < rows; ++r) {
      const auto cell = static_cast<std::size_t>(cell_of(layer.quantization.layout, r, c, cols));
      const float x = static_cast<float>(w[static_cast<std::size_t>(r) * k + col]);
      const float scaled = std::clamp(x * multiplier[cell], -grid.max_abs, grid.max_abs);
      const float value =
          grid == Grid::e4m3fn() ? e4m3fn_to_f32(f32_to_e4m3fn(scaled)) : std::nearbyint(scaled);
      values[static_cast<std::size_t>(r) * k + col] = value;
      const double error =
          (w[static_cast<std::size_t>(r) * k + col] - double{value} * scale[cell]) / pivot;
      for (std::size_t j = 0; j < k; ++j) {
        if (!done[j] && j != col)
          w[static_cast<std::size_t>(r) * k + j] -= error * inverse[col * k + j];
      }
    }
    done[col] = true;
    const std::vector<double> row(inverse.begin() + static_cast<std::ptrdiff_t>(col * k),
                                  inverse.begin() + static_cast<std::ptrdiff_t>((col + 1) * k));
    for (std::size_t i = 0; i < k; ++i) {
      const double factor = inverse[i * k + col] / pivot;
      for (std::size_t j = 0; j < k; ++j)
        inverse[i * k + j] -= factor * row[j];
    }
  }
  return values;
}

struct Case {
  std::string format;
  OptionTexts options;
};

const Case kCases[] = {
    {"fp8", {{"scale", "tensor"}}},
    {"fp8", {{"scale", "row"}}},
    {"fp8", {{"scale", "block"}, {"block_size", "64"}}},
    {"int8_block", {{"block_size", "64"}}},
    {"int8_block", {{"scale", "tensor"}}},
};

std::string describe(const Case& c) {
  std::string text = c.format;
  for (const auto& [key, value] : c.options)
    text += " " + key + "=" + value;
  return text;
}

class GptqTest : public ::testing::Test {
 protected:
  std::unique_ptr<Backend> backend_ = make_backend("cpu");
};

TEST_F(GptqTest, AgreesWithTheStraightforwardReference) {
  const InputSample sample = sample_inputs(correlated_inputs(128, 3), 2048, 4);
  const InputStatistics inputs = statistics_of(*backend_, sample);
  for (const Case& c : kCases) {
    const Layer layer = make_layer(*backend_, 64, 128, c.format, c.options, 5);
    const std::vector<float> values = run_gptq(*backend_, layer, inputs, {{"block_size", "32"}});
    const std::vector<float> expected = reference_gptq(*backend_, layer, sample);
    std::size_t differences = 0;
    for (std::size_t i = 0; i < values.size(); ++i)
      differences += values[i] != expected[i];
    // Float against double: a value near a rounding tie may round the other way, and its error
    // then changes the later columns of its row a little.
    EXPECT_LE(differences, values.size() / 100) << describe(c);
    const double result =
        expected_output_error(error_of(*backend_, layer, values), 64, sample.gram);
    const double reference =
        expected_output_error(error_of(*backend_, layer, expected), 64, sample.gram);
    EXPECT_NEAR(result, reference, 0.02 * reference) << describe(c);
  }
}

TEST_F(GptqTest, BlockSizeAndOrderOnlyChangeTheRoundingNoise) {
  const InputSample sample = sample_inputs(correlated_inputs(256, 6), 2048, 7);
  const InputStatistics inputs = statistics_of(*backend_, sample);
  const Layer layer = make_layer(*backend_, 32, 256, "fp8", {}, 8);
  const std::vector<float> wide = run_gptq(*backend_, layer, inputs, {{"block_size", "256"}});
  const std::vector<float> narrow = run_gptq(*backend_, layer, inputs, {{"block_size", "32"}});
  std::size_t differences = 0;
  for (std::size_t i = 0; i < wide.size(); ++i)
    differences += wide[i] != narrow[i];
  EXPECT_LE(differences, wide.size() / 100);
  const double rtn = expected_output_error(error_of(*backend_, layer, rtn_values(*backend_, layer)),
                                           32, sample.gram);
  const double in_order = expected_output_error(
      error_of(*backend_, layer, run_gptq(*backend_, layer, inputs, {{"act_order", "false"}})), 32,
      sample.gram);
  EXPECT_LT(in_order, 0.8 * rtn);
}

// The bar: fitted on one sample set, measured on another from the same inputs, the output
// error is at least 20 % below round-to-nearest's.
TEST_F(GptqTest, LowersTheHeldOutOutputErrorWellBelowRoundToNearest) {
  const InputDistribution distribution = correlated_inputs(512, 9);
  const InputSample fit = sample_inputs(distribution, 4096, 10);
  const InputSample held_out = sample_inputs(distribution, 4096, 11);
  const InputStatistics inputs = statistics_of(*backend_, fit);
  const Case cases[] = {{"fp8", {{"scale", "tensor"}}}, {"int8_block", {{"block_size", "128"}}}};
  for (const Case& c : cases) {
    const Layer layer = make_layer(*backend_, 256, 512, c.format, c.options, 12);
    const double rtn = expected_output_error(
        error_of(*backend_, layer, rtn_values(*backend_, layer)), 256, held_out.gram);
    const double gptq = expected_output_error(
        error_of(*backend_, layer, run_gptq(*backend_, layer, inputs)), 256, held_out.gram);
    EXPECT_LT(std::sqrt(gptq / rtn), 0.8) << describe(c) << ": held-out output error "
                                          << std::sqrt(gptq) << " vs RTN " << std::sqrt(rtn);
  }
}

TEST_F(GptqTest, InputsThatAreAlwaysZeroLeaveRoundToNearest) {
  const Layer layer = make_layer(*backend_, 16, 64, "fp8", {}, 13);
  const InputStatistics inputs{backend_->zeros({64, 64}), std::vector<float>(64, 0.0f), 100};
  const RoundingResult result = make_optimizer("gptq")->optimize(
      {*backend_, layer.info, layer.weight, layer.quantization, 1, false, &inputs});
  EXPECT_EQ(download_floats(*backend_, result.grid_values), rtn_values(*backend_, layer));
  EXPECT_EQ(result.stop_reason, "inputs always zero: round-to-nearest");
}

TEST_F(GptqTest, ASingularSecondMomentIsDamped) {
  // Fewer samples than inputs: H has rank 8 of 64.
  const InputSample sample = sample_inputs(correlated_inputs(64, 14), 8, 15);
  const InputStatistics inputs = statistics_of(*backend_, sample);
  const Layer layer = make_layer(*backend_, 64, 64, "int8_block", {{"block_size", "64"}}, 16);
  const RoundingResult result = make_optimizer("gptq")->optimize(
      {*backend_, layer.info, layer.weight, layer.quantization, 1, false, &inputs});
  EXPECT_EQ(result.iterations, 1);
  EXPECT_NE(result.stop_reason.find("gptq: 1 blocks, damping"), std::string::npos)
      << result.stop_reason;
  const double rtn = expected_output_error(error_of(*backend_, layer, rtn_values(*backend_, layer)),
                                           64, sample.gram);
  const double gptq = expected_output_error(
      error_of(*backend_, layer, download_floats(*backend_, result.grid_values)), 64, sample.gram);
  EXPECT_LT(gptq, rtn);
}

TEST_F(GptqTest, RejectsANonPositiveDamping) {
  try {
    make_optimizer("gptq", {{"damp", "0"}});
    FAIL() << "damp 0 accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.category(), ErrorCategory::recipe);
    EXPECT_NE(std::string(e.what()).find("optimizer.damp must be greater than 0"),
              std::string::npos);
  }
}

}  // namespace
}  // namespace lrq::test
