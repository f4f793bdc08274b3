// Bias correction and the per-layer numbers of a conversion, against straightforward
// computations in double on the same calibration inputs.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <optional>

#include "backend_test_data.hpp"
#include "lrq/float_convert.hpp"
#include "lrq/rng.hpp"
#include "lrq/safetensors.hpp"
#include "pipeline/calibration.hpp"
#include "pipeline/layer_conversion.hpp"
#include "real_plugins.hpp"
#include "support/temp_dir.hpp"

namespace lrq::test {
namespace {

constexpr std::int64_t kRows = 128;
constexpr std::int64_t kCols = 256;
constexpr std::int64_t kSamples = 64;

struct Layer {
  std::vector<float> weight;
  std::vector<float> bias;
};

Layer random_layer(std::uint64_t seed) {
  Rng rng(seed);
  Layer layer{std::vector<float>(kRows * kCols), std::vector<float>(kRows)};
  for (float& w : layer.weight)
    w = static_cast<float>(0.05 * rng.normal());
  for (float& b : layer.bias)
    b = static_cast<float>(0.1 * rng.normal());
  return layer;
}

// A one-layer F32 model file and its plan through the real generic profile and fp8 format.
class BiasCorrectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto path = directory_.file("layer.safetensors");
    SafetensorsWriter writer(
        path, {{"proj.bias", DType::F32, {kRows}}, {"proj.weight", DType::F32, {kRows, kCols}}},
        {});
    writer.write("proj.bias", std::as_bytes(std::span(layer_.bias)));
    writer.write("proj.weight", std::as_bytes(std::span(layer_.weight)));
    writer.commit();
    input_.emplace(path);
    plan_ = host::make_plan(*input_, profile_, routes_, true);
  }

  host::ConvertedLayer convert(bool reference_compat) {
    host::CalibrationInputs calibration(*backend_, 7, kSamples);
    const host::ConversionSettings settings{7, reference_compat, true, kSamples};
    const host::TensorPlan& weight = plan_.of("proj.weight");
    return host::convert_layer(*input_, weight, backend_->upload(input_->view(*weight.entry)),
                               *backend_, settings, calibration);
  }

  std::vector<float> calibration_rows() {
    host::CalibrationInputs calibration(*backend_, 7, kSamples);
    return download_floats(*backend_, calibration.rows(kCols));
  }

  // W - Ŵ from the written codes and scale (fp8 per-tensor).
  std::vector<double> error_of(const host::ConvertedLayer& converted) {
    const auto& codes = converted.tensors.at("proj.weight");
    float scale = 0.0f;
    std::memcpy(&scale, converted.tensors.at("proj.weight_scale").data(), sizeof scale);
    std::vector<double> error(codes.size());
    for (std::size_t i = 0; i < codes.size(); ++i) {
      const float decoded = e4m3fn_to_f32(std::to_integer<std::uint8_t>(codes[i])) * scale;
      error[i] = static_cast<double>(layer_.weight[i]) - decoded;
    }
    return error;
  }

  std::vector<float> bias_of(const host::ConvertedLayer& converted) {
    std::vector<float> bias(kRows);
    std::memcpy(bias.data(), converted.tensors.at("proj.bias").data(), bias.size() * sizeof(float));
    return bias;
  }

  // Mean over the calibration rows of (quantized output - reference output), per output.
  std::vector<double> mean_output_error(const std::vector<double>& error,
                                        const std::vector<float>& bias) {
    const std::vector<float> rows = calibration_rows();
    std::vector<double> mean(kRows, 0.0);
    for (std::int64_t s = 0; s < kSamples; ++s) {
      for (std::int64_t o = 0; o < kRows; ++o) {
        double dot = 0.0;  // x (W - Ŵ)ᵀ
        for (std::int64_t i = 0; i < kCols; ++i)
          dot += rows[s * kCols + i] * error[o * kCols + i];
        mean[o] += (-dot + bias[o] - layer_.bias[o]) / kSamples;
      }
    }
    return mean;
  }

  TempDir directory_;
  Layer layer_ = random_layer(3);
  std::unique_ptr<Backend> backend_ = make_backend("cpu");
  const host::QuantizationRoutes routes_{
      std::make_shared<const host::QuantizationRoute>(host::QuantizationRoute{
          {make_format("fp8"), "fp8", "fp8"}, {make_optimizer("rtn"), "rtn", "rtn"}}),
      {},
      0};
  const host::SelectedProfile profile_{make_model_profile("generic"), "generic", {}, false};
  std::optional<SafetensorsReader> input_;
  host::ConversionPlan plan_;
};

TEST_F(BiasCorrectionTest, PairsTheBiasWithItsQuantizedWeight) {
  EXPECT_EQ(plan_.of("proj.bias").partner, input_->find("proj.weight"));
  EXPECT_EQ(plan_.of("proj.weight").partner, input_->find("proj.bias"));
}

TEST_F(BiasCorrectionTest, AddsTheMeanCalibrationInputTimesTheErrorTransposed) {
  const host::ConvertedLayer converted = convert(false);
  ASSERT_TRUE(converted.outcome.bias_corrected);
  const std::vector<double> error = error_of(converted);
  const std::vector<float> rows = calibration_rows();
  const std::vector<float> bias = bias_of(converted);
  for (std::int64_t o = 0; o < kRows; ++o) {
    double expected = layer_.bias[o];
    for (std::int64_t i = 0; i < kCols; ++i) {
      double mean = 0.0;
      for (std::int64_t s = 0; s < kSamples; ++s)
        mean += rows[s * kCols + i];
      expected += mean / kSamples * error[o * kCols + i];
    }
    EXPECT_NEAR(bias[o], expected, 1e-6 + 1e-6 * std::fabs(expected)) << "output " << o;
  }
}

TEST_F(BiasCorrectionTest, CancelsTheMeanOutputErrorWhereTheReferenceSignDoublesIt) {
  const host::ConvertedLayer corrected = convert(false);
  const host::ConvertedLayer reference = convert(true);
  const std::vector<double> error = error_of(corrected);
  const std::vector<double> uncorrected = mean_output_error(error, layer_.bias);
  const std::vector<double> fixed = mean_output_error(error, bias_of(corrected));
  const std::vector<double> doubled = mean_output_error(error, bias_of(reference));
  double before = 0.0;
  double after = 0.0;
  double reference_after = 0.0;
  for (std::int64_t o = 0; o < kRows; ++o) {
    before += uncorrected[o] * uncorrected[o];
    after += fixed[o] * fixed[o];
    reference_after += doubled[o] * doubled[o];
  }
  EXPECT_LT(std::sqrt(after), 1e-3 * std::sqrt(before));
  EXPECT_NEAR(std::sqrt(reference_after), 2.0 * std::sqrt(before), 1e-3 * std::sqrt(before));
}

TEST_F(BiasCorrectionTest, ReportsWeightAndOutputErrorsOfTheResult) {
  const host::ConvertedLayer converted = convert(false);
  const std::vector<double> error = error_of(converted);
  const std::vector<float> rows = calibration_rows();
  double error_sum = 0.0;
  double weight_sum = 0.0;
  for (std::size_t i = 0; i < error.size(); ++i) {
    error_sum += error[i] * error[i];
    weight_sum += static_cast<double>(layer_.weight[i]) * layer_.weight[i];
  }
  double output_error = 0.0;
  double output = 0.0;
  for (std::int64_t s = 0; s < kSamples; ++s) {
    for (std::int64_t o = 0; o < kRows; ++o) {
      double e = 0.0;
      double y = 0.0;
      for (std::int64_t i = 0; i < kCols; ++i) {
        e += rows[s * kCols + i] * error[o * kCols + i];
        y += rows[s * kCols + i] * static_cast<double>(layer_.weight[o * kCols + i]);
      }
      output_error += e * e;
      output += y * y;
    }
  }
  const host::LayerOutcome& outcome = converted.outcome;
  EXPECT_NEAR(outcome.result.weight, std::sqrt(error_sum / weight_sum), 1e-6);
  EXPECT_NEAR(outcome.result.output, std::sqrt(output_error / output), 1e-5);
  EXPECT_EQ(outcome.rtn.weight, outcome.result.weight);  // rtn: the result is round-to-nearest
  EXPECT_EQ(outcome.rank, 0);
}

TEST(CalibrationInputs, AreStandardNormalPerWidthAndIndependentOfOrder) {
  const auto backend = make_backend("cpu");
  host::CalibrationInputs first(*backend, 11, 512);
  host::CalibrationInputs second(*backend, 11, 512);
  const std::vector<float> a = download_floats(*backend, first.rows(64));
  second.rows(32);
  EXPECT_EQ(download_floats(*backend, second.rows(64)), a);  // another width first: same rows
  double sum = 0.0;
  double squares = 0.0;
  for (float x : a) {
    sum += x;
    squares += static_cast<double>(x) * x;
  }
  const double n = static_cast<double>(a.size());
  EXPECT_NEAR(sum / n, 0.0, 5.0 / std::sqrt(n));
  EXPECT_NEAR(squares / n, 1.0, 5.0 * std::sqrt(2.0 / n));
  const std::vector<float> mean = download_floats(*backend, first.mean(64));
  for (std::int64_t i = 0; i < 64; ++i) {
    double column = 0.0;
    for (std::int64_t s = 0; s < 512; ++s)
      column += a[s * 64 + i];
    EXPECT_NEAR(mean[i], column / 512, 1e-6);
  }
}

}  // namespace
}  // namespace lrq::test
