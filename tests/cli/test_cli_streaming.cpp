// The streaming converter stops cleanly when a layer in the middle of the model fails while the
// layers before it are being written and the next one is being uploaded: the first error is
// reported, and no output or temporary file is left.
#include <cmath>
#include <limits>

#include "cli_test.hpp"
#include "lrq/safetensors.hpp"

namespace lrq::test {
namespace {

constexpr int kInput = 3;

// `layers` F32 linear layers (weight and bias) with a NaN in the weight of layer `bad`.
std::filesystem::path model_with_a_bad_layer(const std::filesystem::path& path, int layers,
                                             int bad) {
  const Shape weight_shape = {64, 64};
  std::vector<TensorInfo> plan;
  for (int i = 0; i < layers; ++i) {
    const std::string prefix = "blocks." + std::to_string(i) + ".proj.";
    plan.push_back({prefix + "bias", DType::F32, {64}});
    plan.push_back({prefix + "weight", DType::F32, weight_shape});
  }
  std::vector<float> weight(static_cast<std::size_t>(element_count(weight_shape)));
  for (std::size_t i = 0; i < weight.size(); ++i)
    weight[i] = std::sin(static_cast<float>(i)) * 0.05f;
  std::vector<float> bad_weight = weight;
  bad_weight[1000] = std::numeric_limits<float>::quiet_NaN();
  const std::vector<float> bias(64, 0.01f);
  SafetensorsWriter writer(path, plan, {});
  for (int i = 0; i < layers; ++i) {
    writer.write(plan[2 * i].name, std::as_bytes(std::span(bias)));
    writer.write(plan[2 * i + 1].name, std::as_bytes(std::span(i == bad ? bad_weight : weight)));
  }
  writer.commit();
  return path;
}

class CliStreaming : public CliTest {};

TEST_F(CliStreaming, ALayerThatFailsInTheMiddleLeavesNothingBehind) {
  const auto model = model_with_a_bad_layer(file("bad-middle.safetensors"), 12, 6);
  const auto output = file("out.safetensors");
  const std::vector<std::vector<std::string>> runs = {
      {"--optimizer", "rtn"},
      {"--optimizer", "original", "--set", "optimizer.num_iter=5", "--set", "optimizer.rank=4",
       "--set", "backend.threads=1"},
  };
  for (const auto& arguments : runs) {
    SCOPED_TRACE(arguments[1]);
    const HostRun run = convert(model, output, arguments);
    EXPECT_EQ(run.exit_code, kInput) << run.err;
    EXPECT_EQ(run.err, "error: tensor 'blocks.6.proj.weight' contains NaN or infinite values\n")
        << run.err;
    EXPECT_FALSE(std::filesystem::exists(output));
    EXPECT_TRUE(leftovers().empty()) << "a failed run left a temporary file";
  }
}

}  // namespace
}  // namespace lrq::test
