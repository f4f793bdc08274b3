// Converting with activation statistics, as a user does: gptq beats round-to-nearest and says so,
// a learned rounding that loses is not written and the run warns, and every problem with the
// statistics (none, another model's, malformed) is a clear error that writes nothing.
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <map>

#include "cli_test.hpp"
#include "lrq/activation_stats.hpp"
#include "support/correlated_inputs.hpp"
#include "support/raw_safetensors.hpp"

namespace lrq::test {
namespace {

constexpr int kInput = 3;
constexpr int kRecipe = 4;

class CliCalibration : public CliTest {
 protected:
  // Statistics of correlated inputs for every 2-D weight of `model` (one distribution per width,
  // one sample per file seed), except the layers named in `skip`; `width_of` may lie about K.
  std::filesystem::path statistics(const std::filesystem::path& model, const std::string& name,
                                   std::uint64_t seed, const std::vector<std::string>& skip = {},
                                   const std::map<std::string, std::int64_t>& width_of = {}) {
    const SafetensorsReader reader(model);
    std::vector<LayerInputStatsValues> layers;
    for (const SafetensorsEntry& entry : reader.entries()) {
      const TensorInfo& info = entry.info;
      if (info.shape.size() != 2 || !info.name.ends_with(".weight")) continue;
      if (std::find(skip.begin(), skip.end(), info.name) != skip.end()) continue;
      const auto lie = width_of.find(info.name);
      const std::int64_t width = lie == width_of.end() ? info.shape[1] : lie->second;
      const InputSample sample =
          sample_inputs(correlated_inputs(width, static_cast<std::uint64_t>(width)), 1024,
                        seed * 7919 + static_cast<std::uint64_t>(layers.size()));
      layers.push_back({info.name, sample.count, sample.mean, sample.gram, {}, {}, 0});
    }
    const auto path = file(name);
    write_activation_stats(path, layers, "cli test", 1024);
    return path;
  }

  static nlohmann::json report_of(const std::filesystem::path& output) {
    std::filesystem::path report = output;
    report.replace_extension(".report.json");
    std::ifstream in(report);
    return nlohmann::json::parse(in);
  }

  void expect_failure(const HostRun& run, int exit_code, const std::filesystem::path& output) {
    EXPECT_EQ(run.exit_code, exit_code) << run.err;
    EXPECT_TRUE(run.err.starts_with("error: ")) << run.err;
    EXPECT_FALSE(std::filesystem::exists(output));
    EXPECT_TRUE(leftovers().empty());
  }
};

TEST_F(CliCalibration, GptqBeatsRoundToNearestOnHeldOutStatisticsAndSaysSo) {
  const auto model = tiny_model("f32");
  const auto fit = statistics(model, "fit.safetensors", 1);
  const auto held_out = statistics(model, "held-out.safetensors", 2);
  const auto output = file("gptq.safetensors");
  const HostRun run = convert(model, output,
                              {"--optimizer", "gptq", "--set", "calibration.stats=" + fit.string(),
                               "--set", "calibration.holdout=" + held_out.string()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(contains(run.out, "calibration: " + fit.string() +
                                    " (cli test, 1024 samples): 36 "
                                    "of 36 quantized layers; held out: "))
      << run.out;
  EXPECT_TRUE(contains(run.out, "output errors: expected on the held-out statistics")) << run.out;
  EXPECT_TRUE(contains(run.out,
                       "gptq: 36 of 36 layers better than RTN, 0 equal, 0 worse on the "
                       "activation statistics"))
      << run.out;
  EXPECT_FALSE(contains(run.err, "did not pay")) << run.err;

  const nlohmann::json report = report_of(output);
  EXPECT_EQ(report["calibration"]["with_statistics"], 36);
  const nlohmann::json& verdict = report["verdict"].at(0);
  EXPECT_EQ(verdict["optimizer"], "gptq");
  EXPECT_EQ(verdict["better"], 36);
  EXPECT_EQ(verdict["learned_written"], 36);
  EXPECT_TRUE(verdict["paid"].get<bool>());
  EXPECT_LT(verdict["held_out_ratio"]["mean"].get<double>(), 0.8);
  for (const auto& layer : report["layers"]) {
    if (layer["action"] != "quantize") continue;
    EXPECT_EQ(layer["evaluated_on"], "holdout");
    EXPECT_EQ(layer["bias_inputs"], "statistics");
    EXPECT_TRUE(layer["learned_written"].get<bool>());
    EXPECT_LT(layer["result"]["output_error"].get<double>(),
              layer["rtn"]["output_error"].get<double>());
  }
}

TEST_F(CliCalibration, ALearnedRoundingThatLosesIsNotWrittenAndTheRunWarns) {
  const auto model = tiny_model("f32");
  const auto output = file("original.safetensors");
  const HostRun run =
      convert(model, output, {"--optimizer", "original", "--set", "optimizer.num_iter=20"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(contains(run.err,
                       "warning: learned rounding with 'original(num_iter=20)' did not "
                       "pay"))
      << run.err;
  const nlohmann::json report = report_of(output);
  const nlohmann::json& verdict = report["verdict"].at(0);
  EXPECT_EQ(verdict["decided_on"], "synthetic");
  EXPECT_FALSE(verdict["paid"].get<bool>());
  for (const auto& layer : report["layers"]) {
    if (layer["action"] != "quantize" || layer["learned_written"].get<bool>()) continue;
    EXPECT_EQ(layer["result"], layer["rtn"]);
    EXPECT_GE(layer["learned_ratio"].get<double>(), 1.0 - 1e-6);
  }
}

TEST_F(CliCalibration, GptqWithoutStatisticsIsARecipeError) {
  const auto output = file("out.safetensors");
  const HostRun run = convert(tiny_model("f32"), output, {"--optimizer", "gptq"});
  expect_failure(run, kRecipe, output);
  EXPECT_TRUE(contains(run.err,
                       "optimizer 'gptq': needs activation statistics: set "
                       "calibration.stats"))
      << run.err;
}

TEST_F(CliCalibration, StatisticsOfAnotherModelAreAnErrorUnlessMissingIsRtn) {
  const auto model = tiny_model("f32");
  const auto stats =
      statistics(model, "other.safetensors", 1, {"img_in.weight"}, {{"txt_in.weight", 300}});
  const auto output = file("out.safetensors");
  const std::vector<std::string> arguments = {"--optimizer", "gptq", "--set",
                                              "calibration.stats=" + stats.string()};
  const HostRun run = convert(model, output, arguments);
  expect_failure(run, kInput, output);
  EXPECT_TRUE(contains(run.err, stats.string() +
                                    ": no statistics that fit 2 of the 36 layers to "
                                    "quantize: 'img_in.weight' (none), 'txt_in.weight' (K 300, the "
                                    "weight has 512 columns)"))
      << run.err;

  std::vector<std::string> lenient = arguments;
  lenient.insert(lenient.end(), {"--set", "calibration.missing=rtn"});
  const HostRun rtn = convert(model, output, lenient);
  ASSERT_EQ(rtn.exit_code, 0) << rtn.err;
  EXPECT_TRUE(contains(rtn.out, "34 of 36 quantized layers (2 rounded to nearest)")) << rtn.out;
  const nlohmann::json report = report_of(output);
  for (const auto& layer : report["layers"]) {
    if (layer["name"] != "img_in.weight") continue;
    EXPECT_EQ(layer["stop_reason"],
              "no activation statistics: round-to-nearest (calibration.missing: rtn)");
    EXPECT_FALSE(layer["learned_rounding"].get<bool>());
  }
  const HostRun dry =
      convert(model, output,
              {"--dry-run", "--optimizer", "gptq", "--set", "calibration.stats=" + stats.string(),
               "--set", "calibration.missing=rtn"});
  EXPECT_TRUE(contains(dry.out, "no activation statistics: round-to-nearest")) << dry.out;
  EXPECT_TRUE(contains(dry.err, "calibration: " + stats.string())) << dry.err;
}

TEST_F(CliCalibration, AMissingOrMalformedStatisticsFileIsAnInputErrorNamingIt) {
  const auto model = tiny_model("f32");
  const auto output = file("out.safetensors");
  const auto absent = file("absent.safetensors");
  HostRun run = convert(model, output, {"--set", "calibration.stats=" + absent.string()});
  expect_failure(run, kInput, output);
  EXPECT_TRUE(contains(run.err, absent.string())) << run.err;

  const auto not_stats = file("not-stats.safetensors");
  write_file(not_stats, raw_file(R"({"__metadata__":{"format":"pt"}})"));
  run = convert(model, output, {"--set", "calibration.stats=" + not_stats.string()});
  expect_failure(run, kInput, output);
  EXPECT_TRUE(contains(run.err, not_stats.string() + ": not an activation statistics file"))
      << run.err;

  // A NaN in one layer's mean is found when that layer is converted; nothing is written.
  const auto stats = statistics(model, "nan.safetensors", 1);
  {
    const SafetensorsReader reader(stats);
    const SafetensorsEntry* mean = reader.find("single_blocks.1.linear2.weight.mean");
    ASSERT_NE(mean, nullptr);
    std::string bytes = read_file(stats);
    const float nan = std::nanf("");
    std::memcpy(bytes.data() + 8 + reader.header_size() + mean->begin, &nan, sizeof nan);
    write_file(stats, bytes);
  }
  run = convert(model, output,
                {"--optimizer", "gptq", "--set", "calibration.stats=" + stats.string()});
  expect_failure(run, kInput, output);
  EXPECT_TRUE(contains(run.err, "tensor 'single_blocks.1.linear2.weight.mean': element 0 is NaN"))
      << run.err;
}

// Every recipe in configs/ is valid as shipped (the keys, the plugins and their options): a dry run
// of it on tiny-flux, with statistics for the recipes that read them, checks out. Its output goes
// to the scratch directory: a dry run checks that the output's directory exists, and the recipes'
// build/examples exists only after scripts/quickstart.sh.
TEST_F(CliCalibration, EveryExampleRecipeChecksOut) {
  const auto model = tiny_model();
  const auto stats = statistics(model, "stats.safetensors", 1);
  std::size_t recipes = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(LRQ_TEST_SOURCE_DIRECTORY) + "/configs")) {
    if (entry.path().extension() != ".yaml") continue;
    ++recipes;
    const HostRun run = run_host({"run", entry.path().string(), "--dry-run", "--input",
                                  model.string(), "--output", file("out.safetensors").string(),
                                  "--set", "calibration.stats=" + stats.string()});
    EXPECT_EQ(run.exit_code, 0) << entry.path() << ": " << run.err;
    EXPECT_TRUE(contains(run.out, "dry run: 84 tensors: ")) << entry.path() << ": " << run.out;
  }
  EXPECT_GE(recipes, 11u);
}

}  // namespace
}  // namespace lrq::test
