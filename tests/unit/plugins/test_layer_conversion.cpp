// One layer through the conversion, against straightforward computations in double: the bias
// correction (from the activation statistics' mean, else the synthetic inputs'), the report's
// errors, and the rule that a learned rounding is written only when it beats round-to-nearest.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>

#include "backend_test_data.hpp"
#include "lrq/activation_stats.hpp"
#include "lrq/float_convert.hpp"
#include "lrq/rng.hpp"
#include "lrq/safetensors.hpp"
#include "pipeline/calibration.hpp"
#include "pipeline/layer_conversion.hpp"
#include "real_plugins.hpp"
#include "support/correlated_inputs.hpp"
#include "support/recording_backend.hpp"
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

host::QuantizationRoutes routes_with(const std::string& optimizer, bool data_aware) {
  return {std::make_shared<const host::QuantizationRoute>(
              host::QuantizationRoute{{make_format("fp8"), "fp8", "fp8"},
                                      {make_optimizer(optimizer), optimizer, optimizer},
                                      data_aware,
                                      optimizer == "rtn"}),
          {},
          0};
}

// A one-layer F32 model file, its plan through the real generic profile and fp8 format, and
// activation statistics of correlated inputs (a fit set and a held-out set).
class LayerConversionTest : public ::testing::Test {
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
    write_statistics("fit.safetensors", fit_);
    write_statistics("held-out.safetensors", held_out_);
    statistics_.emplace(directory_.file("fit.safetensors"));
    held_out_file_.emplace(directory_.file("held-out.safetensors"));
  }

  void write_statistics(const char* name, const InputSample& sample) {
    const std::vector<LayerInputStatsValues> layers = {
        {"proj.weight", sample.count, sample.mean, sample.gram, {}, {}, 0}};
    write_activation_stats(directory_.file(name), layers, "test", sample.count);
  }

  // Converts the layer; with statistics, from the fit set (and the held-out set for the report).
  host::ConvertedLayer convert(const std::string& optimizer, bool with_statistics,
                               bool reference_compat = false) {
    return convert_on(*backend_, optimizer, with_statistics, {7, reference_compat, true, kSamples});
  }

  // The same on `backend`, with `settings`; without its bias (as a layer that has none) when
  // `with_bias` is false.
  host::ConvertedLayer convert_on(Backend& backend, const std::string& optimizer,
                                  bool with_statistics, const host::ConversionSettings& settings,
                                  bool with_bias = true) {
    const host::QuantizationRoutes routes = routes_with(optimizer, optimizer == "gptq");
    host::ConversionPlan plan = host::make_plan(*input_, profile_, routes, with_bias);
    host::TensorPlan& weight = const_cast<host::TensorPlan&>(plan.of("proj.weight"));
    host::FedWeight fed;
    fed.layer = &weight;
    fed.weight = backend.upload(input_->view(*weight.entry));
    if (with_statistics) {
      weight.inputs = {&*statistics_, statistics_->find("proj.weight")};
      weight.holdout = {&*held_out_file_, held_out_file_->find("proj.weight")};
      fed.inputs = host::fetch_statistics(backend, weight.inputs);
      fed.holdout = host::fetch_statistics(backend, weight.holdout);
    }
    host::CalibrationInputs calibration(backend, settings.seed, settings.calib_samples);
    return host::convert_layer(*input_, weight, std::move(fed), backend, settings, calibration);
  }

  std::vector<float> synthetic_mean() {
    host::CalibrationInputs calibration(*backend_, 7, kSamples);
    return download_floats(*backend_, calibration.mean(kCols));
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

  // ||mean(x (W - Ŵ)ᵀ) - (b' - b)||: the mean output error left for inputs of mean `mean`.
  double mean_output_error(const std::vector<double>& error, const std::vector<float>& bias,
                           const std::vector<double>& mean) {
    double sum = 0.0;
    for (std::int64_t o = 0; o < kRows; ++o) {
      double shift = 0.0;
      for (std::int64_t i = 0; i < kCols; ++i)
        shift += mean[i] * error[o * kCols + i];
      const double left = shift - (double{bias[o]} - layer_.bias[o]);
      sum += left * left;
    }
    return std::sqrt(sum);
  }

  TempDir directory_;
  Layer layer_ = random_layer(3);
  std::unique_ptr<Backend> backend_ = make_backend("cpu");
  const host::SelectedProfile profile_{make_model_profile("generic"), "generic", {}, false};
  const InputDistribution distribution_ = correlated_inputs(kCols, 21);
  const InputSample fit_ = sample_inputs(distribution_, 2048, 22);
  const InputSample held_out_ = sample_inputs(distribution_, 2048, 23);
  std::optional<host::Checkpoint> input_;
  std::optional<ActivationStats> statistics_;
  std::optional<ActivationStats> held_out_file_;
};

TEST_F(LayerConversionTest, PairsTheBiasWithItsQuantizedWeight) {
  const host::QuantizationRoutes routes = routes_with("rtn", false);
  const host::ConversionPlan plan = host::make_plan(*input_, profile_, routes, true);
  EXPECT_EQ(plan.of("proj.bias").partner, input_->find("proj.weight"));
  EXPECT_EQ(plan.of("proj.weight").partner, input_->find("proj.bias"));
}

TEST_F(LayerConversionTest, AddsTheMeanInputTimesTheErrorTransposed) {
  for (const bool with_statistics : {false, true}) {
    const host::ConvertedLayer converted = convert("rtn", with_statistics);
    ASSERT_TRUE(converted.outcome.bias_corrected);
    EXPECT_EQ(converted.outcome.bias_inputs,
              with_statistics ? host::InputSource::statistics : host::InputSource::synthetic);
    const std::vector<double> error = error_of(converted);
    const std::vector<float> synthetic = synthetic_mean();
    const std::vector<float> bias = bias_of(converted);
    for (std::int64_t o = 0; o < kRows; ++o) {
      double expected = layer_.bias[o];
      for (std::int64_t i = 0; i < kCols; ++i) {
        const double mean = with_statistics ? static_cast<float>(fit_.mean[i]) : synthetic[i];
        expected += mean * error[o * kCols + i];
      }
      EXPECT_NEAR(bias[o], expected, 1e-5 + 1e-5 * std::fabs(expected)) << "output " << o;
    }
  }
}

TEST_F(LayerConversionTest, CancelsTheMeanOutputErrorWhereTheReferenceSignDoublesIt) {
  const host::ConvertedLayer corrected = convert("rtn", false);
  const host::ConvertedLayer reference = convert("rtn", false, true);
  const std::vector<double> error = error_of(corrected);
  const std::vector<float> synthetic = synthetic_mean();
  const std::vector<double> mean(synthetic.begin(), synthetic.end());
  const double before = mean_output_error(error, layer_.bias, mean);
  EXPECT_LT(mean_output_error(error, bias_of(corrected), mean), 1e-3 * before);
  EXPECT_NEAR(mean_output_error(error, bias_of(reference), mean), 2.0 * before, 1e-3 * before);
}

// The mean of real inputs is far from zero, the synthetic correction's is not: only the
// statistics' mean lowers the mean output error on held-out inputs. (gptq already keeps the error
// small along the fit set's mean, which is part of H, so its correction gains less.)
TEST_F(LayerConversionTest, TheStatisticsMeanLowersTheHeldOutMeanOutputError) {
  const auto held_out_gain = [&](const host::ConvertedLayer& converted) {
    const std::vector<double> error = error_of(converted);
    return mean_output_error(error, bias_of(converted), held_out_.mean) /
           mean_output_error(error, layer_.bias, held_out_.mean);
  };
  EXPECT_LT(held_out_gain(convert("rtn", true)), 0.3);
  EXPECT_LT(held_out_gain(convert("gptq", true)), 0.9);
  EXPECT_GT(held_out_gain(convert("rtn", false)), 0.9);
}

TEST_F(LayerConversionTest, WithoutStatisticsTheOutputErrorIsTheWeightError) {
  const host::ConvertedLayer converted = convert("rtn", false);
  const std::vector<double> error = error_of(converted);
  double error_sum = 0.0;
  double weight_sum = 0.0;
  for (std::size_t i = 0; i < error.size(); ++i) {
    error_sum += error[i] * error[i];
    weight_sum += static_cast<double>(layer_.weight[i]) * layer_.weight[i];
  }
  const host::LayerOutcome& outcome = converted.outcome;
  EXPECT_NEAR(outcome.result.weight, std::sqrt(error_sum / weight_sum), 1e-6);
  EXPECT_EQ(outcome.result.output, outcome.result.weight);
  EXPECT_EQ(outcome.evaluated_on, host::InputSource::synthetic);
  EXPECT_FALSE(outcome.learned_rounding);
  EXPECT_TRUE(std::isnan(outcome.learned.weight));
  EXPECT_EQ(outcome.rtn.weight, outcome.result.weight);
}

TEST_F(LayerConversionTest, ReportsOutputErrorsOnTheHeldOutStatistics) {
  const host::ConvertedLayer converted = convert("gptq", true);
  const host::LayerOutcome& outcome = converted.outcome;
  EXPECT_EQ(outcome.evaluated_on, host::InputSource::holdout);
  EXPECT_EQ(outcome.decided_on, host::InputSource::statistics);
  ASSERT_TRUE(outcome.learned_written);
  std::vector<double> weight(layer_.weight.begin(), layer_.weight.end());
  const double expected =
      std::sqrt(expected_output_error(error_of(converted), kRows, held_out_.gram) /
                expected_output_error(weight, kRows, held_out_.gram));
  EXPECT_NEAR(outcome.result.output, expected, 1e-4 * expected);
  EXPECT_EQ(outcome.result.output, outcome.learned.output);
  EXPECT_LT(outcome.learned.output, 0.8 * outcome.rtn.output);
  EXPECT_LT(outcome.learned_ratio, 0.8);
}

// Without statistics the expected output error is the weight error, which round-to-nearest
// minimises for given scales: the learned rounding loses and is not written, except under
// reference_compat.
TEST_F(LayerConversionTest, ALearnedRoundingThatLosesToRoundToNearestIsNotWritten) {
  const host::ConvertedLayer converted = convert("original", false);
  const host::LayerOutcome& outcome = converted.outcome;
  EXPECT_TRUE(outcome.learned_rounding);
  EXPECT_FALSE(outcome.learned_written);
  EXPECT_EQ(outcome.decided_on, host::InputSource::synthetic);
  EXPECT_GT(outcome.learned_ratio, 1.0);
  EXPECT_GT(outcome.learned.weight, outcome.rtn.weight);
  EXPECT_EQ(outcome.result.weight, outcome.rtn.weight);
  EXPECT_NE(outcome.stop_reason.find("round-to-nearest written"), std::string::npos);

  const host::ConvertedLayer compat = convert("original", false, true);
  EXPECT_TRUE(compat.outcome.learned_written);
  EXPECT_EQ(compat.outcome.result.weight, compat.outcome.learned.weight);
}

// W - Ŵ is made only for what needs it: the bias correction and the report's errors.
TEST_F(LayerConversionTest, RoundToNearestMakesTheErrorOnlyForTheBiasOrTheReport) {
  for (const bool with_bias : {false, true}) {
    for (const bool report : {false, true}) {
      RecordingBackend recording(*backend_);
      const host::ConvertedLayer converted =
          convert_on(recording, "rtn", false, {7, false, report, kSamples}, with_bias);
      EXPECT_EQ(converted.outcome.bias_corrected, with_bias);
      EXPECT_EQ(recording.calls("dequantize"), with_bias || report ? 1 : 0)
          << "bias " << with_bias << ", report " << report;
      EXPECT_EQ(recording.calls("quantize"), 1);
      EXPECT_EQ(recording.calls("encode"), 1);
    }
  }
}

// The synthetic inputs' mean is drawn directly: whatever the report, no [kSamples, K] rows are
// uploaded, only the weight, the mean [1, K] and the scales.
TEST_F(LayerConversionTest, UploadsNoSyntheticInputRows) {
  for (const bool report : {false, true}) {
    RecordingBackend recording(*backend_);
    const host::ConvertedLayer converted =
        convert_on(recording, "rtn", false, {7, false, report, kSamples});
    ASSERT_TRUE(converted.outcome.bias_corrected);
    ASSERT_EQ(converted.outcome.bias_inputs, host::InputSource::synthetic);
    const std::vector<Shape>& uploads = recording.uploads();
    ASSERT_FALSE(uploads.empty());
    EXPECT_EQ(uploads.front(), (Shape{kRows, kCols}));
    EXPECT_NE(std::ranges::find(uploads, Shape{1, kCols}), uploads.end());
    for (std::size_t i = 1; i < uploads.size(); ++i) {
      EXPECT_LE(element_count(uploads[i]), kCols)
          << "upload " << i << " " << shape_to_string(uploads[i]) << ", report " << report;
    }
  }
}

TEST(CalibrationInputs, AreTheMeanOfStandardNormalRowsPerWidthAndIndependentOfOrder) {
  const auto backend = make_backend("cpu");
  host::CalibrationInputs first(*backend, 11, 512);
  host::CalibrationInputs second(*backend, 11, 512);
  const std::vector<float> a = download_floats(*backend, first.mean(4096));
  second.mean(32);
  EXPECT_EQ(download_floats(*backend, second.mean(4096)), a);  // another width first: the same
  double sum = 0.0;
  double squares = 0.0;
  for (float x : a) {
    sum += x;
    squares += static_cast<double>(x) * x;
  }
  const double n = static_cast<double>(a.size());
  // Each column's mean of 512 standard normal values: N(0, 1/512).
  EXPECT_NEAR(sum / n, 0.0, 5.0 / std::sqrt(512.0 * n));
  EXPECT_NEAR(squares / n * 512.0, 1.0, 5.0 * std::sqrt(2.0 / n));
}

}  // namespace
}  // namespace lrq::test
