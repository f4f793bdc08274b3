// The fp8 and int8_block formats: exactly the tensors of docs/comfyui-format.md, scales
// by the reference tool's formulas, and round trips within the stated error bounds.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "backend_test_data.hpp"
#include "lrq/error.hpp"
#include "lrq/rng.hpp"
#include "real_plugins.hpp"

namespace lrq::test {
namespace {

constexpr std::int64_t kRows = 256;
constexpr std::int64_t kCols = 384;

struct Variant {
  std::string name;
  std::string plugin;
  OptionTexts options;
  std::string json;
  Shape scale_shape;
  bool input_scale;
  Grid grid;
  ScaleLayout layout;
};

void PrintTo(const Variant& variant, std::ostream* out) {
  *out << variant.name;
}

std::vector<Variant> variants() {
  return {
      {"fp8_tensor",
       "fp8",
       {},
       R"({"format": "float8_e4m3fn"})",
       {},
       false,
       Grid::e4m3fn(),
       ScaleLayout::per_tensor()},
      {"fp8_tensor_input_scale",
       "fp8",
       {{"input_scale", "true"}},
       R"({"format": "float8_e4m3fn"})",
       {},
       true,
       Grid::e4m3fn(),
       ScaleLayout::per_tensor()},
      {"fp8_row",
       "fp8",
       {{"scale", "row"}},
       R"({"format": "float8_e4m3fn_rowwise"})",
       {kRows},
       false,
       Grid::e4m3fn(),
       ScaleLayout::per_row()},
      {"fp8_block128",
       "fp8",
       {{"scale", "block"}},
       R"({"format": "float8_e4m3fn_blockwise", "group_size": 128})",
       {2, 3},
       false,
       Grid::e4m3fn(),
       ScaleLayout::blocks(128, 128)},
      {"fp8_block64_fpmm",
       "fp8",
       {{"scale", "block"}, {"block_size", "64"}, {"full_precision_matrix_mult", "true"}},
       R"({"format": "float8_e4m3fn_blockwise", "group_size": 64, "full_precision_matrix_mult": true})",
       {4, 6},
       false,
       Grid::e4m3fn(),
       ScaleLayout::blocks(64, 64)},
      {"int8_block128",
       "int8_block",
       {},
       R"({"format": "int8_blockwise", "group_size": 128})",
       {2, 3},
       true,
       Grid::int8(),
       ScaleLayout::blocks(128, 128)},
      {"int8_block64",
       "int8_block",
       {{"block_size", "64"}},
       R"({"format": "int8_blockwise", "group_size": 64})",
       {4, 6},
       true,
       Grid::int8(),
       ScaleLayout::blocks(64, 64)},
      {"int8_tensor",
       "int8_block",
       {{"scale", "tensor"}},
       R"({"format": "int8_tensorwise"})",
       {},
       false,
       Grid::int8(),
       ScaleLayout::per_tensor()},
      {"int8_row",
       "int8_block",
       {{"scale", "row"}},
       R"({"format": "int8_tensorwise", "per_row": true})",
       {kRows, 1},
       false,
       Grid::int8(),
       ScaleLayout::per_row()},
  };
}

// A weight like a trained layer's: low-rank part, noise, two outlier input columns, a zero row.
std::vector<float> structured_weight(std::int64_t rows, std::int64_t cols, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<float> a(static_cast<std::size_t>(rows * 4));
  std::vector<float> b(static_cast<std::size_t>(4 * cols));
  for (float& v : a)
    v = static_cast<float>(rng.normal());
  for (float& v : b)
    v = static_cast<float>(rng.normal());
  std::vector<float> w(static_cast<std::size_t>(rows * cols));
  for (std::int64_t r = 0; r < rows; ++r) {
    for (std::int64_t c = 0; c < cols; ++c) {
      float low = 0.0f;
      for (int k = 0; k < 4; ++k)
        low += a[r * 4 + k] * b[k * cols + c];
      const float gain = (c == 7 || c == 300) ? 20.0f : 1.0f;
      w[r * cols + c] = r == 3 ? 0.0f : 0.02f * gain * (low + static_cast<float>(rng.normal()));
    }
  }
  return w;
}

// Half a unit in the last place of float8_e4m3fn at magnitude |v| (subnormal step 2^-9).
double e4m3fn_half_ulp(double v) {
  const double magnitude = std::fabs(v);
  if (magnitude < std::ldexp(1.0, -6)) return std::ldexp(1.0, -10);
  return std::ldexp(1.0, static_cast<int>(std::floor(std::log2(magnitude))) - 4);
}

struct Quantized {
  std::vector<EncodedTensor> tensors;
  std::vector<float> weight;
};

Quantized quantize_with_rtn(const Format& format, Backend& backend, std::vector<float> weight) {
  const TensorInfo info{"blocks.0.linear.weight", DType::F32, {kRows, kCols}};
  const DeviceTensor w = upload_floats(backend, weight, info.shape);
  const LayerQuantization quantization = format.prepare(backend, info, w);
  const auto rtn = make_optimizer("rtn");
  const RoundingResult rounded = rtn->optimize({backend, info, w, quantization, 0});
  return {format.encode(backend, "blocks.0.linear", rounded.grid_values, quantization),
          std::move(weight)};
}

StoredLayer stored_layer(const std::vector<EncodedTensor>& tensors) {
  StoredLayer layer{"blocks.0.linear", "", {}};
  for (const EncodedTensor& tensor : tensors) {
    const std::string suffix = tensor.info.name.substr(layer.prefix.size() + 1);
    if (suffix == "comfy_quant") {
      layer.comfy_quant_json.assign(reinterpret_cast<const char*>(tensor.bytes.data()),
                                    tensor.bytes.size());
    } else {
      layer.tensors[suffix] = TensorView{tensor.info.dtype, tensor.info.shape, tensor.bytes};
    }
  }
  return layer;
}

std::vector<float> floats_of(const EncodedTensor& tensor) {
  std::vector<float> values(tensor.bytes.size() / sizeof(float));
  std::memcpy(values.data(), tensor.bytes.data(), tensor.bytes.size());
  return values;
}

class FormatVariant : public ::testing::TestWithParam<Variant> {
 protected:
  std::unique_ptr<Format> format_ = make_format(GetParam().plugin, GetParam().options);
  std::unique_ptr<Backend> backend_ = make_backend("cpu");
};

TEST_P(FormatVariant, PlansExactlyTheSpecifiedTensors) {
  const Variant& v = GetParam();
  const TensorInfo weight{"blocks.0.linear.weight", DType::BF16, {kRows, kCols}};
  const LayerPlan layer = format_->plan("blocks.0.linear", weight);
  EXPECT_EQ(layer.comfy_quant_json, v.json);
  const std::vector<TensorInfo>& planned = layer.tensors;
  std::vector<TensorInfo> expected = {{"blocks.0.linear.weight",
                                       v.grid == Grid::e4m3fn() ? DType::F8_E4M3 : DType::I8,
                                       {kRows, kCols}},
                                      {"blocks.0.linear.weight_scale", DType::F32, v.scale_shape}};
  if (v.input_scale) expected.push_back({"blocks.0.linear.input_scale", DType::F32, {}});
  expected.push_back(
      {"blocks.0.linear.comfy_quant", DType::U8, {static_cast<std::int64_t>(v.json.size())}});
  ASSERT_EQ(planned.size(), expected.size());
  for (std::size_t i = 0; i < planned.size(); ++i) {
    EXPECT_EQ(planned[i].name, expected[i].name);
    EXPECT_EQ(planned[i].dtype, expected[i].dtype) << planned[i].name;
    EXPECT_EQ(planned[i].shape, expected[i].shape) << planned[i].name;
  }
  const Quantized quantized =
      quantize_with_rtn(*format_, *backend_, structured_weight(kRows, kCols, 1));
  const std::vector<std::byte>& json = quantized.tensors.back().bytes;
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(json.data()), json.size()), v.json);
  EXPECT_EQ(format_->comfy_format(), v.json.substr(12, v.json.find('"', 12) - 12));
}

TEST_P(FormatVariant, ScalesFollowTheReferenceFormulas) {
  const Variant& v = GetParam();
  const std::vector<float> weight = structured_weight(kRows, kCols, 2);
  const Quantized quantized = quantize_with_rtn(*format_, *backend_, weight);
  std::vector<float> maxima(static_cast<std::size_t>(element_count(v.layout.cells(kRows, kCols))));
  for (std::int64_t r = 0; r < kRows; ++r) {
    for (std::int64_t c = 0; c < kCols; ++c) {
      float& cell = maxima[static_cast<std::size_t>(cell_of(v.layout, r, c, kCols))];
      cell = std::max(cell, std::fabs(weight[r * kCols + c]));
    }
  }
  const std::vector<float> scales = floats_of(quantized.tensors[1]);
  ASSERT_EQ(scales.size(), maxima.size());
  for (std::size_t i = 0; i < scales.size(); ++i) {
    float expected = 0.0f;
    if (v.grid == Grid::e4m3fn()) {
      expected = 1.0f / (448.0f / std::max(maxima[i], 1e-12f));
    } else if (v.layout.granularity == ScaleGranularity::block) {
      expected = std::max(maxima[i] / 127.0f, 1e-8f);
    } else if (v.layout.granularity == ScaleGranularity::row) {
      expected = 1.0f / (127.0f / std::max(maxima[i], 1e-12f));
    } else {
      expected = std::max(maxima[i], 1e-12f) / 127.0f;
    }
    EXPECT_EQ(scales[i], expected) << "cell " << i;
  }
  if (v.input_scale) {
    EXPECT_EQ(floats_of(quantized.tensors[2]), std::vector<float>{1.0f});
  }
}

TEST_P(FormatVariant, RoundTripStaysWithinHalfAStep) {
  const Variant& v = GetParam();
  const Quantized quantized =
      quantize_with_rtn(*format_, *backend_, structured_weight(kRows, kCols, 3));
  const std::vector<float> scales = floats_of(quantized.tensors[1]);
  const std::vector<float> restored =
      download_floats(*backend_, format_->dequantize(*backend_, stored_layer(quantized.tensors)));
  ASSERT_EQ(restored.size(), quantized.weight.size());
  for (std::int64_t r = 0; r < kRows; ++r) {
    for (std::int64_t c = 0; c < kCols; ++c) {
      const double w = quantized.weight[r * kCols + c];
      const double scale = scales[static_cast<std::size_t>(cell_of(v.layout, r, c, kCols))];
      // fp8: half an e4m3fn unit at the scaled value; int8: half a step. Times the scale, plus
      // float32 rounding of the scaling itself.
      const double step = v.grid == Grid::e4m3fn() ? e4m3fn_half_ulp(w / scale) : 0.5;
      const double bound = step * scale * (1.0 + 1e-6) + 1e-6 * std::fabs(w);
      ASSERT_LE(std::fabs(restored[r * kCols + c] - w), bound)
          << "element (" << r << ", " << c << ") of " << v.name;
    }
  }
}

TEST_P(FormatVariant, CodesStayInsideTheSymmetricRange) {
  const Quantized quantized =
      quantize_with_rtn(*format_, *backend_, structured_weight(kRows, kCols, 4));
  for (std::byte code : quantized.tensors[0].bytes) {
    const auto bits = std::to_integer<std::uint8_t>(code);
    if (GetParam().grid == Grid::int8()) {
      ASSERT_NE(bits, 0x80) << "int8 -128 is never produced";
    } else {
      ASSERT_NE(bits & 0x7F, 0x7F) << "no e4m3fn NaN";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Formats, FormatVariant, ::testing::ValuesIn(variants()),
                         [](const auto& param_info) { return param_info.param.name; });

TEST(Formats, BlockFormatsRefuseShapesThatDoNotTile) {
  const TensorInfo odd{"x.weight", DType::BF16, {256, 3070}};
  const Acceptance int8 = make_format("int8_block")->accepts(odd);
  EXPECT_FALSE(int8.accepted);
  EXPECT_EQ(int8.reason, "3070 columns not divisible by block size 128");
  const Acceptance fp8 = make_format("fp8", {{"scale", "block"}, {"block_size", "64"}})
                             ->accepts({"x.weight", DType::F16, {100, 128}});
  EXPECT_FALSE(fp8.accepted);
  EXPECT_EQ(fp8.reason, "100 rows not divisible by block size 64");
  EXPECT_TRUE(make_format("fp8")->accepts(odd).accepted);
}

TEST(Formats, OneElementScalesAreStoredAsScalars) {
  const std::vector<std::pair<std::unique_ptr<Format>, TensorInfo>> cases = [] {
    std::vector<std::pair<std::unique_ptr<Format>, TensorInfo>> all;
    all.emplace_back(make_format("int8_block", {{"scale", "row"}}),
                     TensorInfo{"x.weight", DType::BF16, {1, 256}});
    all.emplace_back(make_format("fp8", {{"scale", "row"}}),
                     TensorInfo{"x.weight", DType::BF16, {1, 256}});
    all.emplace_back(make_format("int8_block"), TensorInfo{"x.weight", DType::BF16, {128, 128}});
    all.emplace_back(make_format("fp8", {{"scale", "block"}}),
                     TensorInfo{"x.weight", DType::BF16, {128, 128}});
    return all;
  }();
  for (const auto& [format, weight] : cases) {
    const std::vector<TensorInfo> planned = format->plan("x", weight).tensors;
    EXPECT_EQ(planned[1].name, "x.weight_scale");
    EXPECT_EQ(planned[1].shape, Shape{}) << format->comfy_format();
  }
}

TEST(Formats, RefuseWhatIsNotAFloatMatrix) {
  for (const std::string plugin : {"fp8", "int8_block"}) {
    const auto format = make_format(plugin);
    EXPECT_FALSE(format->accepts({"x.weight", DType::BF16, {128}}).accepted) << plugin;
    EXPECT_FALSE(format->accepts({"x.weight", DType::BF16, {128, 128, 3}}).accepted) << plugin;
    EXPECT_FALSE(format->accepts({"x.weight", DType::I8, {128, 128}}).accepted) << plugin;
    EXPECT_FALSE(format->accepts({"x.weight", DType::F32, {0, 128}}).accepted) << plugin;
  }
}

TEST(Formats, NanOrInfinityInAWeightIsAnInputErrorNamingIt) {
  const auto backend = make_backend("cpu");
  std::vector<float> weight = structured_weight(kRows, kCols, 5);
  weight[1000] = std::numeric_limits<float>::quiet_NaN();
  const TensorInfo info{"blocks.7.attn.weight", DType::F32, {kRows, kCols}};
  for (const std::string plugin : {"fp8", "int8_block"}) {
    try {
      make_format(plugin)->prepare(*backend, info, upload_floats(*backend, weight, info.shape));
      FAIL() << plugin << " accepted a NaN";
    } catch (const Error& error) {
      EXPECT_EQ(error.category(), ErrorCategory::input);
      EXPECT_NE(std::string(error.what()).find("'blocks.7.attn.weight'"), std::string::npos)
          << error.what();
    }
  }
}

TEST(Formats, AnAllZeroWeightGetsUnitScalesAndZeroCodes) {
  const auto backend = make_backend("cpu");
  for (const std::string plugin : {"fp8", "int8_block"}) {
    const Quantized quantized =
        quantize_with_rtn(*make_format(plugin), *backend,
                          std::vector<float>(static_cast<std::size_t>(kRows * kCols)));
    for (float scale : floats_of(quantized.tensors[1]))
      EXPECT_EQ(scale, 1.0f) << plugin;
    for (std::byte code : quantized.tensors[0].bytes)
      ASSERT_EQ(code, std::byte{0}) << plugin;
  }
}

class FormatDequantizeErrors : public ::testing::Test {
 protected:
  std::unique_ptr<Backend> backend_ = make_backend("cpu");
  std::unique_ptr<Format> format_ = make_format("int8_block");
  Quantized quantized_ = quantize_with_rtn(*format_, *backend_, structured_weight(kRows, kCols, 6));

  std::string error_of(const StoredLayer& layer) {
    try {
      format_->dequantize(*backend_, layer);
    } catch (const Error& error) {
      EXPECT_EQ(error.category(), ErrorCategory::input);
      return error.what();
    }
    return "no error";
  }
};

TEST_F(FormatDequantizeErrors, NameTheTensorAtFault) {
  StoredLayer wrong_dtype = stored_layer(quantized_.tensors);
  wrong_dtype.tensors["weight"].dtype = DType::U8;
  EXPECT_NE(error_of(wrong_dtype).find("'blocks.0.linear.weight'"), std::string::npos);

  StoredLayer wrong_scale = stored_layer(quantized_.tensors);
  wrong_scale.tensors["weight_scale"].shape = {3, 2};
  EXPECT_NE(error_of(wrong_scale).find("'blocks.0.linear.weight_scale': expected F32 [2, 3]"),
            std::string::npos);

  StoredLayer no_scale = stored_layer(quantized_.tensors);
  no_scale.tensors.erase("weight_scale");
  EXPECT_NE(error_of(no_scale).find("has no 'blocks.0.linear.weight_scale'"), std::string::npos);

  StoredLayer foreign = stored_layer(quantized_.tensors);
  foreign.comfy_quant_json = R"({"format": "float8_e4m3fn"})";
  EXPECT_NE(error_of(foreign).find("'float8_e4m3fn' is not an int8 format"), std::string::npos);

  StoredLayer garbled = stored_layer(quantized_.tensors);
  garbled.comfy_quant_json = R"({"format": "int8_blockwise"})";
  garbled.comfy_quant_json.push_back('\0');
  EXPECT_NE(error_of(garbled).find("'blocks.0.linear.comfy_quant'"), std::string::npos);
}

TEST(Formats, DequantizeAcceptsTheOneElementScaleComfyUiLoads) {
  const auto backend = make_backend("cpu");
  const auto format = make_format("fp8");
  const Quantized quantized =
      quantize_with_rtn(*format, *backend, structured_weight(kRows, kCols, 7));
  StoredLayer layer = stored_layer(quantized.tensors);
  const std::vector<float> reference =
      download_floats(*backend, format->dequantize(*backend, layer));
  layer.tensors["weight_scale"].shape = {1};
  EXPECT_EQ(download_floats(*backend, format->dequantize(*backend, layer)), reference);
}

}  // namespace
}  // namespace lrq::test
