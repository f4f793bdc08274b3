// fp8_e5m2, mxfp8 and nvfp4: the tensors ComfyUI's loader reads for them, the swizzled scale
// layout and the nibble order written out here from the layout's definition, and round trips
// through encode and dequantize. The Python e2e check (tests/e2e/check_block_formats.py) compares
// the scales and codes with comfy-kitchen's formulas on whole files.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "backend_test_data.hpp"
#include "lrq/error.hpp"
#include "lrq/float_convert.hpp"
#include "lrq/rng.hpp"
#include "real_plugins.hpp"

namespace lrq::test {
namespace {

constexpr std::int64_t kRows = 160;  // not a multiple of 128: the scale rows are padded
constexpr std::int64_t kCols = 256;

struct BlockFormat {
  std::string plugin;
  std::string json;
  DType weight_dtype;
  Shape weight_shape;
  DType scale_dtype;
  Shape scale_shape;
  bool tensor_scale;
};

void PrintTo(const BlockFormat& format, std::ostream* out) {
  *out << format.plugin;
}

std::vector<BlockFormat> block_formats() {
  return {
      {"fp8_e5m2",
       R"({"format": "float8_e5m2"})",
       DType::F8_E5M2,
       {kRows, kCols},
       DType::F32,
       {},
       false},
      {"mxfp8",
       R"({"format": "mxfp8"})",
       DType::F8_E4M3,
       {kRows, kCols},
       DType::U8,
       {256, 8},
       false},
      {"nvfp4",
       R"({"format": "nvfp4"})",
       DType::U8,
       {kRows, kCols / 2},
       DType::F8_E4M3,
       {256, 16},
       true},
  };
}

std::vector<float> gaussian_weight(std::uint64_t seed) {
  Rng rng(seed);
  std::vector<float> w(static_cast<std::size_t>(kRows * kCols));
  for (std::size_t i = 0; i < w.size(); ++i) {
    const float gain = i % kCols == 5 ? 30.0f : 1.0f;  // an outlier column
    w[i] = 0.02f * gain * static_cast<float>(rng.normal());
  }
  return w;
}

struct Encoded {
  std::vector<EncodedTensor> tensors;
  StoredLayer layer;
};

Encoded encode_with(const std::string& plugin, const std::string& optimizer, Backend& backend,
                    const std::vector<float>& weight) {
  const auto format = make_format(plugin, {});
  const TensorInfo info{"blocks.0.linear.weight", DType::F32, {kRows, kCols}};
  const DeviceTensor w = upload_floats(backend, weight, info.shape);
  const LayerQuantization quantization = format->prepare(backend, info, w);
  // Learned rounding for a few iterations in a small subspace: the layout is tested, not the
  // optimum.
  const OptionTexts learned = {{"num_iter", "20"}, {"min_k", "16"}, {"max_k", "32"}};
  const RoundingResult rounded =
      make_optimizer(optimizer, optimizer == "rtn" ? OptionTexts{} : learned)
          ->optimize({backend, info, w, quantization, 0});
  Encoded encoded{format->encode(backend, "blocks.0.linear", rounded.grid_values, quantization),
                  {"blocks.0.linear", "", {}}};
  for (const EncodedTensor& tensor : encoded.tensors) {
    const std::string suffix = tensor.info.name.substr(encoded.layer.prefix.size() + 1);
    if (suffix == "comfy_quant") {
      encoded.layer.comfy_quant_json.assign(reinterpret_cast<const char*>(tensor.bytes.data()),
                                            tensor.bytes.size());
    } else {
      encoded.layer.tensors[suffix] =
          TensorView{tensor.info.dtype, tensor.info.shape, tensor.bytes};
    }
  }
  return encoded;
}

// Where logical scale (r, c) lies in the cuBLAS block-scaling layout of a [rows, cols] scale
// matrix, from its definition: 128 x 4 tiles of 512 bytes, rows interleaved by 32.
std::size_t swizzled_index(std::int64_t r, std::int64_t c, std::int64_t cols) {
  const std::int64_t padded_cols = (cols + 3) / 4 * 4;
  return static_cast<std::size_t>(((r / 128) * (padded_cols / 4) + c / 4) * 512 + (r % 32) * 16 +
                                  ((r % 128) / 32) * 4 + c % 4);
}

float e2m1_value(std::uint8_t code) {
  const float magnitudes[] = {0.0f, 0.5f, 1.0f, 1.5f, 2.0f, 3.0f, 4.0f, 6.0f};
  return code < 8 ? magnitudes[code] : -magnitudes[code - 8];
}

class BlockScaledFormat : public ::testing::TestWithParam<BlockFormat> {
 protected:
  std::unique_ptr<Backend> backend_ = make_backend("cpu");
};

TEST_P(BlockScaledFormat, PlansTheTensorsComfyUiReads) {
  const BlockFormat& expected = GetParam();
  const auto format = make_format(expected.plugin, {});
  const LayerPlan plan =
      format->plan("blocks.0.linear", {"blocks.0.linear.weight", DType::BF16, {kRows, kCols}});
  EXPECT_EQ(plan.comfy_quant_json, expected.json);
  std::vector<TensorInfo> tensors = {
      {"blocks.0.linear.weight", expected.weight_dtype, expected.weight_shape},
      {"blocks.0.linear.weight_scale", expected.scale_dtype, expected.scale_shape}};
  if (expected.tensor_scale) tensors.push_back({"blocks.0.linear.weight_scale_2", DType::F32, {}});
  tensors.push_back({"blocks.0.linear.comfy_quant",
                     DType::U8,
                     {static_cast<std::int64_t>(expected.json.size())}});
  ASSERT_EQ(plan.tensors.size(), tensors.size());
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    EXPECT_EQ(plan.tensors[i].name, tensors[i].name);
    EXPECT_EQ(plan.tensors[i].dtype, tensors[i].dtype) << tensors[i].name;
    EXPECT_EQ(plan.tensors[i].shape, tensors[i].shape) << tensors[i].name;
  }
  const Encoded encoded = encode_with(expected.plugin, "rtn", *backend_, gaussian_weight(1));
  ASSERT_EQ(encoded.tensors.size(), tensors.size());
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    const TensorInfo& info = encoded.tensors[i].info;
    EXPECT_EQ(info.name, tensors[i].name);
    EXPECT_EQ(encoded.tensors[i].bytes.size(),
              static_cast<std::size_t>(element_count(info.shape)) * itemsize(info.dtype));
  }
}

TEST_P(BlockScaledFormat, DequantizesToCodesTimesScalesEveryOptimizer) {
  const std::vector<float> weight = gaussian_weight(2);
  for (const std::string optimizer : {"rtn", "original", "adamw"}) {
    const Encoded encoded = encode_with(GetParam().plugin, optimizer, *backend_, weight);
    const auto format = make_format(GetParam().plugin, {});
    const std::vector<float> restored =
        download_floats(*backend_, format->dequantize(*backend_, encoded.layer));
    ASSERT_EQ(restored.size(), weight.size());
    double error = 0.0;
    double energy = 0.0;
    for (std::size_t i = 0; i < weight.size(); ++i) {
      error += std::pow(restored[i] - weight[i], 2.0);
      energy += std::pow(weight[i], 2.0);
    }
    // e5m2 keeps 2 mantissa bits, e4m3 3, fp4 one: relative errors of a few percent at most.
    EXPECT_LT(std::sqrt(error / energy), GetParam().plugin == "nvfp4" ? 0.15 : 0.06) << optimizer;
  }
}

TEST_P(BlockScaledFormat, RefusesShapesThatDoNotTileIntoBlocks) {
  const auto format = make_format(GetParam().plugin, {});
  const Acceptance odd = format->accepts({"w", DType::BF16, {kRows, 200}});
  EXPECT_EQ(odd.accepted, GetParam().plugin == "fp8_e5m2") << odd.reason;
  EXPECT_FALSE(format->accepts({"w", DType::BF16, {kRows}}).accepted);
  EXPECT_FALSE(format->accepts({"w", DType::I8, {kRows, kCols}}).accepted);
}

INSTANTIATE_TEST_SUITE_P(Formats, BlockScaledFormat, ::testing::ValuesIn(block_formats()),
                         [](const auto& tested) { return tested.param.plugin; });

TEST(Mxfp8Format, StoresPowerOfTwoScalesSwizzled) {
  auto backend = make_backend("cpu");
  const std::vector<float> weight = gaussian_weight(3);
  const Encoded encoded = encode_with("mxfp8", "rtn", *backend, weight);
  const TensorView& scales = encoded.layer.tensors.at("weight_scale");
  const TensorView& codes = encoded.layer.tensors.at("weight");
  const std::int64_t blocks = kCols / 32;
  for (std::int64_t r = 0; r < kRows; ++r) {
    for (std::int64_t b = 0; b < blocks; ++b) {
      float amax = 0.0f;
      for (std::int64_t c = b * 32; c < (b + 1) * 32; ++c) {
        amax = std::max(amax, std::fabs(weight[static_cast<std::size_t>(r * kCols + c)]));
      }
      // The smallest power of two that brings the block within e4m3fn's 448.
      const int exponent = static_cast<int>(std::ceil(std::log2(amax / 448.0)));
      const auto stored = std::to_integer<int>(scales.bytes[swizzled_index(r, b, blocks)]);
      ASSERT_EQ(stored, exponent + 127) << "row " << r << " block " << b;
      const float scale = std::ldexp(1.0f, exponent);
      for (std::int64_t c = b * 32; c < (b + 1) * 32; ++c) {
        const auto i = static_cast<std::size_t>(r * kCols + c);
        const std::uint8_t expected = f32_to_e4m3fn(weight[i] / scale);
        ASSERT_EQ(std::to_integer<std::uint8_t>(codes.bytes[i]), expected) << r << ", " << c;
      }
    }
  }
  // The padding rows (160 .. 255) of the swizzled layout hold code 0.
  for (std::int64_t r = kRows; r < 256; ++r) {
    ASSERT_EQ(std::to_integer<int>(scales.bytes[swizzled_index(r, 0, blocks)]), 0) << r;
  }
}

TEST(Nvfp4Format, PacksTwoCodesPerByteHighNibbleFirstUnderTwoScales) {
  auto backend = make_backend("cpu");
  const std::vector<float> weight = gaussian_weight(4);
  const Encoded encoded = encode_with("nvfp4", "rtn", *backend, weight);
  float tensor_scale = 0.0f;
  std::memcpy(&tensor_scale, encoded.layer.tensors.at("weight_scale_2").bytes.data(), 4);
  float amax = 0.0f;
  for (float w : weight)
    amax = std::max(amax, std::fabs(w));
  EXPECT_EQ(tensor_scale, amax / 2688.0f);
  const TensorView& scales = encoded.layer.tensors.at("weight_scale");
  const TensorView& packed = encoded.layer.tensors.at("weight");
  const auto format = make_format("nvfp4", {});
  const std::vector<float> restored =
      download_floats(*backend, format->dequantize(*backend, encoded.layer));
  const std::int64_t blocks = kCols / 16;
  for (std::int64_t r = 0; r < kRows; ++r) {
    for (std::int64_t c = 0; c < kCols; ++c) {
      const auto byte = std::to_integer<std::uint8_t>(
          packed.bytes[static_cast<std::size_t>(r * (kCols / 2) + c / 2)]);
      const auto code = static_cast<std::uint8_t>(c % 2 == 0 ? byte >> 4 : byte & 0x0F);
      const float block_scale = e4m3fn_to_f32(
          std::to_integer<std::uint8_t>(scales.bytes[swizzled_index(r, c / 16, blocks)]));
      const auto i = static_cast<std::size_t>(r * kCols + c);
      ASSERT_EQ(restored[i], e2m1_value(code) * (block_scale * tensor_scale)) << r << ", " << c;
      // Round to nearest: within half of the widest e2m1 step (2) of the block's scale.
      ASSERT_LE(std::fabs(restored[i] - weight[i]), 1.0001f * block_scale * tensor_scale)
          << r << ", " << c;
    }
  }
}

TEST(Nvfp4Format, AnAllZeroWeightKeepsAUnitTensorScaleAndZeroCodes) {
  auto backend = make_backend("cpu");
  const Encoded encoded =
      encode_with("nvfp4", "rtn", *backend, std::vector<float>(kRows * kCols, 0.0f));
  float tensor_scale = 0.0f;
  std::memcpy(&tensor_scale, encoded.layer.tensors.at("weight_scale_2").bytes.data(), 4);
  EXPECT_EQ(tensor_scale, 1.0f);
  for (std::byte b : encoded.layer.tensors.at("weight").bytes)
    ASSERT_EQ(b, std::byte{0});
  for (std::byte b : encoded.layer.tensors.at("weight_scale").bytes)
    ASSERT_EQ(b, std::byte{0});
}

TEST(Nvfp4Format, DequantizeNamesAMissingSecondScale) {
  auto backend = make_backend("cpu");
  Encoded encoded = encode_with("nvfp4", "rtn", *backend, gaussian_weight(5));
  encoded.layer.tensors.erase("weight_scale_2");
  try {
    make_format("nvfp4", {})->dequantize(*backend, encoded.layer);
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("blocks.0.linear.weight_scale_2"), std::string::npos)
        << error.what();
  }
}

}  // namespace
}  // namespace lrq::test
