// Ctrl-C, SIGTERM and SIGHUP during a conversion end lrq-host as the signal would, and leave no
// temporary file behind.
#include <signal.h>

#include <chrono>
#include <thread>

#include "cli_test.hpp"
#include "lrq/safetensors.hpp"

namespace lrq::test {
namespace {

// A model that takes a single-threaded conversion a second or so: 96 weights of 1024 x 1024 F32.
std::filesystem::path slow_model(const std::filesystem::path& path) {
  constexpr int kLayers = 96;
  const Shape shape = {1024, 1024};
  std::vector<TensorInfo> plan;
  for (int i = 0; i < kLayers; ++i) {
    plan.push_back({"blocks." + std::to_string(i) + ".linear.weight", DType::F32, shape});
  }
  std::vector<float> values(static_cast<std::size_t>(element_count(shape)));
  for (std::size_t i = 0; i < values.size(); ++i)
    values[i] = static_cast<float>(i % 977) * 1e-3f;
  SafetensorsWriter writer(path, plan, {});
  for (const TensorInfo& tensor : plan)
    writer.write(tensor.name, std::as_bytes(std::span(values)));
  writer.commit();
  return path;
}

class CliInterrupt : public CliTest, public ::testing::WithParamInterface<int> {};

TEST_P(CliInterrupt, RemovesTheTemporaryFileAndEndsAsTheSignalWould) {
  const auto model = slow_model(file("slow.safetensors"));
  const auto output = file("out.safetensors");
  HostProcess host({"run", example_recipe(), "--input", model.string(), "--output", output.string(),
                    "--set", "backend.threads=1"});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (leftovers().empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_FALSE(leftovers().empty()) << "the conversion never started writing";
  kill(host.pid(), GetParam());
  const HostRun run = host.wait();
  EXPECT_EQ(run.exit_code, 128 + GetParam()) << run.err;
  EXPECT_TRUE(leftovers().empty()) << "the temporary file was left behind";
  EXPECT_FALSE(std::filesystem::exists(output));
}

// Sharded, every shard's temporary file is removed, and no shard or index is left.
TEST_P(CliInterrupt, ShardedOutputLeavesNoShardBehind) {
  const auto model = slow_model(file("slow.safetensors"));
  const auto output = file("out.safetensors");
  HostProcess host({"run", example_recipe(), "--input", model.string(), "--output", output.string(),
                    "--set", "backend.threads=1", "--shard-size", "30MB"});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  // The staging directory and the temporary files of the 4 shards in it.
  while (leftovers().size() < 5 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_EQ(leftovers().size(), 5u) << "the conversion never started writing its 4 shards";
  kill(host.pid(), GetParam());
  const HostRun run = host.wait();
  EXPECT_EQ(run.exit_code, 128 + GetParam()) << run.err;
  std::vector<std::string> left;
  for (const auto& entry : std::filesystem::directory_iterator(model.parent_path())) {
    if (entry.path() != model) left.push_back(entry.path().filename().string());
  }
  EXPECT_EQ(left, std::vector<std::string>{});
}

INSTANTIATE_TEST_SUITE_P(Signals, CliInterrupt, ::testing::Values(SIGINT, SIGTERM, SIGHUP),
                         [](const auto& param_info) {
                           return std::string(sigabbrev_np(param_info.param));
                         });

}  // namespace
}  // namespace lrq::test
