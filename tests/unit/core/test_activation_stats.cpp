// Activation statistics files: what the writer writes reads back, and every malformed file is an
// input error that names the file and the tensor or field.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "lrq/activation_stats.hpp"
#include "lrq/error.hpp"
#include "support/temp_dir.hpp"

namespace lrq {
namespace {

using test::TempDir;

struct RawTensor {
  std::string name;
  DType dtype;
  Shape shape;
  std::vector<std::byte> bytes;
};

std::vector<std::byte> f32_bytes(const std::vector<float>& values) {
  std::vector<std::byte> bytes(values.size() * sizeof(float));
  std::memcpy(bytes.data(), values.data(), bytes.size());
  return bytes;
}

RawTensor f32(std::string name, Shape shape, const std::vector<float>& values) {
  return {std::move(name), DType::F32, std::move(shape), f32_bytes(values)};
}

RawTensor count(std::string name, std::int64_t value) {
  std::vector<std::byte> bytes(sizeof value);
  std::memcpy(bytes.data(), &value, sizeof value);
  return {std::move(name), DType::I64, {}, std::move(bytes)};
}

const Metadata kMetadata = {{"format", "lrq.activation_stats"},
                            {"format_version", "1"},
                            {"producer", "test"},
                            {"samples", "4"}};

// A valid dense layer of width 2: mean (1, 2), H = [[2, 1], [1, 5]].
std::vector<RawTensor> dense_layer(const std::string& key) {
  return {count(key + ".count", 4), f32(key + ".mean", {2}, {1.0f, 2.0f}),
          f32(key + ".gram", {2, 2}, {2.0f, 1.0f, 1.0f, 5.0f})};
}

class ActivationStatsTest : public ::testing::Test {
 protected:
  std::filesystem::path write(const std::vector<RawTensor>& tensors,
                              const Metadata& metadata = kMetadata) {
    const auto path = dir_.file("stats.safetensors");
    std::vector<TensorInfo> infos;
    for (const RawTensor& tensor : tensors)
      infos.push_back({tensor.name, tensor.dtype, tensor.shape});
    SafetensorsWriter writer(path, infos, metadata);
    for (const RawTensor& tensor : tensors)
      writer.write(tensor.name, tensor.bytes);
    writer.commit();
    return path;
  }

  // Loading (and, with `values`, checking every layer's values) fails with an input error that
  // starts with the path and contains `needle`.
  ::testing::AssertionResult rejects(const std::vector<RawTensor>& tensors,
                                     const std::string& needle, bool values = false,
                                     const Metadata& metadata = kMetadata) {
    const auto path = write(tensors, metadata);
    try {
      const ActivationStats stats(path);
      for (const LayerInputStats& layer : stats.layers()) {
        if (values) stats.check_values(layer);
      }
    } catch (const Error& e) {
      const std::string message = e.what();
      if (e.category() != ErrorCategory::input || message.find(path.string()) != 0 ||
          message.find(needle) == std::string::npos) {
        return ::testing::AssertionFailure() << "unexpected error: " << message;
      }
      return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure() << "accepted";
  }

  TempDir dir_;
};

TEST_F(ActivationStatsTest, WrittenStatisticsReadBackInBothFormsAndDtypes) {
  for (const DType dtype : {DType::F32, DType::F64}) {
    LayerInputStatsValues dense{"a.weight", 10, {0.5, -1.0}, {2.0, 0.25, 0.25, 3.0}, {}, {}, 0};
    LayerInputStatsValues compact{"b.weight",      7, {1.0, 2.0, 3.0}, {}, {4.0, 1.0, 9.0},
                                  {1.0, 0.0, 0.5}, 1};
    const std::vector<LayerInputStatsValues> layers = {dense, compact};
    const auto path = dir_.file("written.safetensors");
    write_activation_stats(path, layers, "unit test", 17, dtype);
    const ActivationStats stats(path);
    EXPECT_EQ(stats.producer(), "unit test");
    EXPECT_EQ(stats.samples(), 17);
    ASSERT_EQ(stats.layers().size(), 2u);
    const LayerInputStats* a = stats.find("a.weight");
    const LayerInputStats* b = stats.find("b.weight");
    ASSERT_NE(a, nullptr);
    ASSERT_NE(b, nullptr);
    EXPECT_FALSE(a->compact());
    EXPECT_TRUE(b->compact());
    EXPECT_EQ(a->count, 10);
    EXPECT_EQ(b->width, 3);
    EXPECT_EQ(stats.mean(*a), (std::vector<float>{0.5f, -1.0f}));
    EXPECT_EQ(stats.diagonal(*a), (std::vector<float>{2.0f, 3.0f}));
    EXPECT_EQ(stats.diagonal(*b), (std::vector<float>{4.0f, 1.0f, 9.0f}));
    // diag - rowsq(F) = (4 - 1, 1 - 0, 9 - 0.25), never below 0.
    EXPECT_EQ(stats.residual_diagonal(*b), (std::vector<float>{3.0f, 1.0f, 8.75f}));
    stats.check_values(*a);
    stats.check_values(*b);
  }
}

TEST_F(ActivationStatsTest, ComfyPrefixesMatchFromEitherSide) {
  std::vector<RawTensor> tensors = dense_layer("model.diffusion_model.blocks.0.qkv.weight");
  for (RawTensor& tensor : dense_layer("other.weight"))
    tensors.push_back(std::move(tensor));
  const ActivationStats stats(write(tensors));
  EXPECT_NE(stats.find("model.diffusion_model.blocks.0.qkv.weight"), nullptr);
  EXPECT_NE(stats.find("blocks.0.qkv.weight"), nullptr);
  EXPECT_NE(stats.find("diffusion_model.blocks.0.qkv.weight"), nullptr);
  EXPECT_NE(stats.find("model.other.weight"), nullptr);
  EXPECT_EQ(stats.find("blocks.1.qkv.weight"), nullptr);
}

TEST_F(ActivationStatsTest, TwoLayersMatchingOneWeightAreAnError) {
  std::vector<RawTensor> tensors = dense_layer("model.diffusion_model.x.weight");
  for (RawTensor& tensor : dense_layer("diffusion_model.x.weight"))
    tensors.push_back(std::move(tensor));
  const ActivationStats stats(write(tensors));
  EXPECT_NE(stats.find("model.diffusion_model.x.weight"), nullptr);  // exact still works
  try {
    stats.find("x.weight");
    FAIL() << "ambiguous match accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("two layers match the weight 'x.weight'"),
              std::string::npos);
  }
}

TEST_F(ActivationStatsTest, MetadataIsRequiredAndChecked) {
  const auto without = [](const std::string& key) {
    Metadata metadata;
    for (const auto& entry : kMetadata) {
      if (entry.first != key) metadata.push_back(entry);
    }
    return metadata;
  };
  for (const char* key : {"format", "format_version", "producer", "samples"}) {
    EXPECT_TRUE(rejects(dense_layer("x.weight"), std::string("__metadata__ has no '") + key, false,
                        without(key)))
        << key;
  }
  Metadata other = kMetadata;
  other[0].second = "something.else";
  EXPECT_TRUE(rejects(dense_layer("x.weight"), "'format' is 'something.else'", false, other));
  Metadata future = kMetadata;
  future[1].second = "2";
  EXPECT_TRUE(
      rejects(dense_layer("x.weight"), "format version '2' is not supported", false, future));
  Metadata bad_samples = kMetadata;
  bad_samples[3].second = "many";
  EXPECT_TRUE(rejects(dense_layer("x.weight"), "'samples' must be a non-negative integer", false,
                      bad_samples));
  EXPECT_TRUE(rejects({}, "no layers"));
}

TEST_F(ActivationStatsTest, EveryStructuralMistakeNamesTheTensor) {
  const std::string k = "x.weight";
  EXPECT_TRUE(rejects({f32(k + ".variance", {2}, {1, 1})},
                      "tensor 'x.weight.variance': not a "
                      "statistics tensor"));
  EXPECT_TRUE(rejects({f32(k + ".mean", {2}, {1, 2}), f32(k + ".gram", {2, 2}, {1, 0, 0, 1})},
                      "layer 'x.weight': needs both 'x.weight.count' and 'x.weight.mean'"));
  EXPECT_TRUE(rejects({count(k + ".count", 3), f32(k + ".mean", {2}, {1, 2})},
                      "needs either 'x.weight.gram' or both"));
  EXPECT_TRUE(rejects(
      {count(k + ".count", 3), f32(k + ".mean", {2}, {1, 2}), f32(k + ".gram_diag", {2}, {1, 1})},
      "needs either 'x.weight.gram' or both"));
  std::vector<RawTensor> both = dense_layer(k);
  both.push_back(f32(k + ".gram_diag", {2}, {2, 5}));
  both.push_back(f32(k + ".gram_factor", {2, 1}, {1, 1}));
  EXPECT_TRUE(rejects(both, "needs either"));
  EXPECT_TRUE(rejects({count(k + ".count", 0), f32(k + ".mean", {2}, {1, 2}),
                       f32(k + ".gram", {2, 2}, {1, 0, 0, 1})},
                      "tensor 'x.weight.count': count 0, expected at least 1"));
  EXPECT_TRUE(rejects({{k + ".count", DType::I32, {}, std::vector<std::byte>(4)},
                       f32(k + ".mean", {2}, {1, 2}),
                       f32(k + ".gram", {2, 2}, {1, 0, 0, 1})},
                      "tensor 'x.weight.count': dtype I32, expected I64"));
  EXPECT_TRUE(rejects({count(k + ".count", 3),
                       {k + ".mean", DType::F16, {2}, std::vector<std::byte>(4)},
                       f32(k + ".gram", {2, 2}, {1, 0, 0, 1})},
                      "tensor 'x.weight.mean': dtype F16, expected F32 or F64"));
  EXPECT_TRUE(rejects({count(k + ".count", 3), f32(k + ".mean", {2}, {1, 2}),
                       f32(k + ".gram", {3, 3}, std::vector<float>(9, 1.0f))},
                      "tensor 'x.weight.gram': shape [3, 3], expected [2, 2]"));
  EXPECT_TRUE(rejects(
      {count(k + ".count", 3), f32(k + ".mean", {2}, {1, 2}), f32(k + ".gram_diag", {2}, {1, 1}),
       f32(k + ".gram_factor", {2, 3}, std::vector<float>(6, 0.0f))},
      "tensor 'x.weight.gram_factor': shape [2, 3], expected [2, r] with 1 <= r "
      "<= 2"));
}

TEST_F(ActivationStatsTest, BadValuesAreFoundWhenALayerIsChecked) {
  const std::string k = "x.weight";
  const float nan = std::numeric_limits<float>::quiet_NaN();
  EXPECT_TRUE(rejects({count(k + ".count", 3), f32(k + ".mean", {2}, {nan, 2}),
                       f32(k + ".gram", {2, 2}, {1, 0, 0, 1})},
                      "tensor 'x.weight.mean': element 0 is NaN", true));
  EXPECT_TRUE(rejects({count(k + ".count", 3), f32(k + ".mean", {2}, {1, 2}),
                       f32(k + ".gram", {2, 2}, {1, 0, 0, INFINITY})},
                      "tensor 'x.weight.gram': element 3 is infinite", true));
  EXPECT_TRUE(rejects({count(k + ".count", 3), f32(k + ".mean", {2}, {1, 2}),
                       f32(k + ".gram", {2, 2}, {1, 0, 0, -1})},
                      "tensor 'x.weight.gram': diagonal entry 1 is negative", true));
  EXPECT_TRUE(rejects({count(k + ".count", 3), f32(k + ".mean", {2}, {1, 2}),
                       f32(k + ".gram", {2, 2}, {1, 0.5f, 0.4f, 1})},
                      "tensor 'x.weight.gram': not symmetric: element (1, 0)", true));
  EXPECT_TRUE(
      rejects({count(k + ".count", 3), f32(k + ".mean", {2}, {1, 2}),
               f32(k + ".gram_diag", {2}, {-1, 1}), f32(k + ".gram_factor", {2, 1}, {1, 1})},
              "tensor 'x.weight.gram_diag': diagonal entry 0 is negative", true));
  EXPECT_TRUE(
      rejects({count(k + ".count", 3), f32(k + ".mean", {2}, {1, 2}),
               f32(k + ".gram_diag", {2}, {1, 1}), f32(k + ".gram_factor", {2, 1}, {nan, 1})},
              "tensor 'x.weight.gram_factor': element 0 is NaN", true));
}

TEST_F(ActivationStatsTest, ATruncatedFileIsAnInputErrorNamingIt) {
  const auto path = write(dense_layer("x.weight"));
  std::filesystem::resize_file(path, std::filesystem::file_size(path) - 4);
  try {
    const ActivationStats stats(path);
    FAIL() << "truncated file accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.category(), ErrorCategory::input);
    EXPECT_EQ(std::string(e.what()).find(path.string()), 0u) << e.what();
  }
}

}  // namespace
}  // namespace lrq
