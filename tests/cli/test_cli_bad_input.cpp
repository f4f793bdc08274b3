// Bad input of every kind: a clear message naming the file, key or field, a distinct non-zero exit
// code, no output file and no temporary file left behind, the input untouched.
#include <cmath>
#include <cstring>
#include <limits>

#include "cli_test.hpp"
#include "support/raw_safetensors.hpp"

namespace lrq::test {
namespace {

constexpr int kUsage = 2;
constexpr int kInput = 3;
constexpr int kRecipe = 4;
constexpr int kPlugin = 5;
constexpr int kUnsupported = 6;
constexpr int kIo = 7;

class CliBadInput : public CliTest {
 protected:
  // Runs the conversion and checks the failure contract; returns standard error.
  std::string expect_failure(const std::filesystem::path& input, int exit_code,
                             const std::vector<std::string>& extra = {},
                             const HostRunOptions& options = {},
                             const std::string& recipe = example_recipe()) {
    const auto output = file("out.safetensors");
    const std::string before = std::filesystem::exists(input) ? read_file(input) : "";
    const HostRun run = convert(input, output, extra, options, recipe);
    EXPECT_EQ(run.exit_code, exit_code) << run.err;
    EXPECT_FALSE(std::filesystem::exists(output)) << "a failed run left an output";
    EXPECT_TRUE(leftovers().empty()) << "a failed run left a temporary file";
    if (!before.empty()) {
      EXPECT_EQ(read_file(input), before) << "the input was modified";
    }
    EXPECT_TRUE(run.err.starts_with("error: ")) << run.err;
    return run.err;
  }

  std::filesystem::path malformed(const std::string& bytes) {
    const auto path = file("bad.safetensors");
    write_file(path, bytes);
    return path;
  }
};

struct MalformedCase {
  std::string name;
  std::string bytes;
  std::vector<std::string> must_mention;
};

TEST_F(CliBadInput, EveryMalformedFileClassNamesFileAndKey) {
  const std::string f32x4(16, '\0');
  const std::vector<MalformedCase> cases = {
      {"truncated below the length prefix", "abc", {}},
      {"header past the end", raw_file_declaring(4096, R"({"w":{}})"), {}},
      {"data shorter than a tensor",
       raw_file(R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", f32x4.substr(0, 8)),
       {"'w'"}},
      {"header too long", raw_file_declaring(200'000'000, "{}"), {}},
      {"bad JSON", raw_file(R"({"w": {"dtype": )"), {}},
      {"unknown dtype",
       raw_file(R"({"w":{"dtype":"F7","shape":[4],"data_offsets":[0,16]}})", f32x4),
       {"'w'", "F7"}},
      {"size mismatch",
       raw_file(R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,16]}})", f32x4),
       {"'w'"}},
      {"overlapping offsets",
       raw_file(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                f32x4),
       {"'a'", "'b'"}},
      {"offsets out of range",
       raw_file(R"({"w":{"dtype":"F32","shape":[8],"data_offsets":[0,32]}})", f32x4),
       {"'w'"}},
  };
  for (const MalformedCase& c : cases) {
    SCOPED_TRACE(c.name);
    const auto input = malformed(c.bytes);
    const std::string err = expect_failure(input, kInput);
    EXPECT_TRUE(contains(err, input.string())) << err;
    for (const std::string& part : c.must_mention)
      EXPECT_TRUE(contains(err, part)) << err;
  }
}

TEST_F(CliBadInput, AMissingInputIsAnInputError) {
  const std::string err = expect_failure(file("absent.safetensors"), kInput);
  EXPECT_TRUE(contains(err, file("absent.safetensors").string())) << err;
}

TEST_F(CliBadInput, NanOrInfinityInAWeightNamesTheTensor) {
  for (const float bad :
       {std::numeric_limits<float>::quiet_NaN(), -std::numeric_limits<float>::infinity()}) {
    std::string data(64, '\0');
    std::memcpy(data.data() + 20, &bad, sizeof bad);
    const auto input = malformed(raw_file(
        R"({"blocks.0.proj.weight":{"dtype":"F32","shape":[4,4],"data_offsets":[0,64]}})", data));
    const std::string err = expect_failure(input, kInput);
    EXPECT_TRUE(contains(err, "'blocks.0.proj.weight' contains NaN or infinite values")) << err;
  }
}

TEST_F(CliBadInput, RefusesToOverwriteItsInput) {
  const auto model = tiny_model();
  const std::string before = read_file(model);
  const HostRun run = convert(model, model);
  EXPECT_EQ(run.exit_code, kUsage) << run.err;
  EXPECT_TRUE(contains(run.err, "refusing to overwrite the input file")) << run.err;
  // Without --overwrite too: the reason is that it is the input, not that it exists.
  const HostRun plain = run_host({"quantize", model.string(), model.string()});
  EXPECT_EQ(plain.exit_code, kUsage) << plain.err;
  EXPECT_TRUE(contains(plain.err, "refusing to overwrite the input file")) << plain.err;
  EXPECT_EQ(read_file(model), before);
  EXPECT_TRUE(leftovers().empty());
}

TEST_F(CliBadInput, AMissingOutputDirectoryIsAnIoError) {
  const HostRun run = convert(tiny_model(), file("no/such/dir/out.safetensors"));
  EXPECT_EQ(run.exit_code, kIo) << run.err;
  EXPECT_TRUE(contains(run.err, file("no/such/dir").string())) << run.err;
}

TEST_F(CliBadInput, AFullDiskLeavesNoPartialOutput) {
  HostRunOptions small_disk;
  small_disk.file_size_limit = 1'000'000;  // the fp8 output of tiny-flux is about 7 MB
  const std::string err = expect_failure(tiny_model(), kIo, {}, small_disk);
  EXPECT_TRUE(contains(err, file("out.safetensors").string())) << err;
  EXPECT_TRUE(contains(err, "write failed")) << err;
}

TEST_F(CliBadInput, RecipeMistakesNameFileLineAndKey) {
  const auto recipe = file("recipe.yaml");
  write_file(recipe, "format: fp8\noptimiser: rtn\n");
  std::string err = expect_failure(tiny_model(), kRecipe, {}, {}, recipe.string());
  EXPECT_TRUE(contains(err, recipe.string() + ":2:1: unknown key 'optimiser' (did you mean "
                                              "'optimizer'?)"))
      << err;

  write_file(recipe, "format:\n  name: fp8\n  input_scale: maybe\n");
  err = expect_failure(tiny_model(), kRecipe, {}, {}, recipe.string());
  EXPECT_TRUE(
      contains(err, recipe.string() + ":3:3: format.input_scale: expected a boolean, got 'maybe'"))
      << err;

  err = expect_failure(tiny_model(), kRecipe, {"--set", "format.block_size=96"});
  EXPECT_TRUE(contains(err, "format.block_size: expected one of 32, 64, 128, 256, got 96")) << err;

  err = expect_failure(tiny_model(), kRecipe, {"--format", "fp9"});
  EXPECT_TRUE(contains(err,
                       "format 'fp9' not found (did you mean 'fp8'?); available: fp8, "
                       "fp8_e5m2, int8_block, mxfp8, nvfp4"))
      << err;

  err = expect_failure(tiny_model(), kRecipe, {"--backend", "tpu"});
  const std::string backends = LRQ_TEST_CUDA_BACKENDS ? "cpu, cublaslt, cuda" : "cpu";
  EXPECT_TRUE(
      contains(err, "backend 'tpu' not found (did you mean 'cpu'?); available: " + backends))
      << err;
}

TEST_F(CliBadInput, AGpuBackendWithoutAGpuSaysWhy) {
  if (!LRQ_TEST_CUDA_BACKENDS) GTEST_SKIP() << "the cuda backend is not built (no CUDA compiler)";
  const HostRun probe = run_host({"plugins", "--json"});
  if (probe.out.find("\"cuda\"") == std::string::npos) GTEST_SKIP() << "cuda plugin not loaded";
  const HostRun run = convert(tiny_model(), file("out.safetensors"), {"--backend", "cuda"});
  if (run.exit_code == 0) GTEST_SKIP() << "this machine has a usable GPU";
  EXPECT_EQ(run.exit_code, kUnsupported) << run.err;
  EXPECT_TRUE(contains(run.err, "backend 'cuda' is not available here: ")) << run.err;
  EXPECT_FALSE(std::filesystem::exists(file("out.safetensors")));
}

TEST_F(CliBadInput, ARejectedPluginIsReportedWithItsReason) {
  const std::string err =
      expect_failure(tiny_model(), kPlugin,
                     {"--plugin-dir", LRQ_TEST_FIXTURE_PLUGIN_DIRECTORY, "--format", "wrong_abi"});
  EXPECT_TRUE(contains(err, "format 'wrong_abi' could not be loaded")) << err;
  EXPECT_TRUE(contains(err, "liblrq-format-wrong_abi.so: built for lrq ABI 99.0")) << err;
}

// A broken file named like the cpu backend in a user's plugin directory: the run goes on with the
// installed cpu backend and warns about the rejected file once, not once per check.
TEST_F(CliBadInput, ARejectedBackendBehindAnotherIsWarnedAboutOnce) {
  const std::filesystem::path directory = file("plugins");
  std::filesystem::create_directory(directory);
  std::filesystem::copy_file(
      std::filesystem::path(LRQ_TEST_FIXTURE_PLUGIN_DIRECTORY) / "liblrq-format-garbage.so",
      directory / "liblrq-backend-cpu.so");
  const HostRun run = convert(tiny_model(), file("out.safetensors"),
                              {"--plugin-dir", directory.string(), "--optimizer", "rtn"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::string warning = "backend 'cpu': using ";
  const std::size_t first = run.err.find(warning);
  ASSERT_NE(first, std::string::npos) << run.err;
  EXPECT_TRUE(contains(run.err, "liblrq-backend-cpu.so")) << run.err;
  EXPECT_EQ(run.err.find(warning, first + 1), std::string::npos) << run.err;
}

}  // namespace
}  // namespace lrq::test
