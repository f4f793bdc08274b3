// The streaming converter stops cleanly when a layer in the middle of the model fails while the
// layers before it are being written and the next one is being uploaded: the first error is
// reported, and no output or temporary file is left.
#include "cli_test.hpp"
#include "support/bad_layer_model.hpp"

namespace lrq::test {
namespace {

constexpr int kInput = 3;

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
