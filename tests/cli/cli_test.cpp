#include "cli_test.hpp"

#include <algorithm>
#include <span>
#include <vector>

namespace lrq::test {

std::filesystem::path CliTest::tiny_model(const std::string& dtype, std::uint64_t seed) {
  const auto path = file("tiny-flux-" + dtype + "-" + std::to_string(seed) + ".safetensors");
  if (std::filesystem::exists(path)) return path;
  const HostRun run = run_host({"generate", "tiny-flux", "--output", path.string(), "--dtype",
                                dtype, "--seed", std::to_string(seed)});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  return path;
}

std::filesystem::path CliTest::write_model(const std::string& name,
                                           const std::vector<TensorInfo>& tensors,
                                           const Metadata& metadata) const {
  const auto path = file(name);
  SafetensorsWriter writer(path, tensors, metadata);
  for (const TensorInfo& tensor : tensors) {
    std::vector<float> values(static_cast<std::size_t>(tensor.elements()));
    for (std::size_t i = 0; i < values.size(); ++i)
      values[i] = static_cast<float>(i % 13) - 6.0f;
    writer.write(tensor.name, std::as_bytes(std::span(values)));
  }
  writer.commit();
  return path;
}

HostRun CliTest::convert(const std::filesystem::path& input, const std::filesystem::path& output,
                         const std::vector<std::string>& extra, const HostRunOptions& options,
                         const std::string& recipe) {
  std::vector<std::string> arguments = {"run",      recipe,          "--input",    input.string(),
                                        "--output", output.string(), "--overwrite"};
  arguments.insert(arguments.end(), extra.begin(), extra.end());
  if (std::find(extra.begin(), extra.end(), "--progress") == extra.end()) {
    arguments.insert(arguments.end(), {"--progress", "none"});
  }
  return run_host(arguments, options);
}

std::vector<std::string> CliTest::leftovers() const {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(directory_.path())) {
    const std::string name = entry.path().filename().string();
    if (contains(name, ".lrq-tmp-")) {
      names.push_back(name);
      if (!entry.is_directory()) continue;
      for (const auto& staged : std::filesystem::directory_iterator(entry.path()))
        names.push_back(name + "/" + staged.path().filename().string());
    } else if (contains(name, ".tmp-")) {
      names.push_back(name);
    }
  }
  return names;
}

std::string CliTest::example_recipe() {
  return std::string(LRQ_TEST_SOURCE_DIRECTORY) + "/configs/example-fp8.yaml";
}

}  // namespace lrq::test
