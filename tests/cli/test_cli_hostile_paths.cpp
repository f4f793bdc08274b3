// Paths that lead somewhere unexpected: a file written that is a file read (by its name, a link or
// another name), two files written that are one, a FIFO, device or directory where a file is
// written or read, and names that are not UTF-8. Nothing read is ever modified, nothing is written
// through a special file, nothing waits forever, and the JSON writers take any name.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "cli_test.hpp"
#include "support/raw_safetensors.hpp"

namespace lrq::test {
namespace {

namespace fs = std::filesystem;

constexpr int kUsage = 2;
constexpr int kInput = 3;
constexpr int kRecipe = 4;

// What a file is and holds, to show that a run left it alone.
struct Snapshot {
  std::string bytes;
  fs::file_time_type modified;
  bool operator==(const Snapshot&) const = default;
};

Snapshot snapshot(const fs::path& path) {
  return {read_file(path), fs::last_write_time(path)};
}

std::set<std::string> names_in(const fs::path& directory) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(directory))
    names.insert(entry.path().filename().string());
  return names;
}

bool has_ended(int pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(stat, line);
  const std::size_t name_end = line.rfind(')');
  return name_end == std::string::npos || line.substr(name_end + 2, 1) == "Z";
}

// A run still going after 20 s (waiting on a FIFO) is killed: its exit code is then 137.
HostRun run_briefly(const std::vector<std::string>& arguments) {
  HostProcess process(arguments);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!has_ended(process.pid()) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (!has_ended(process.pid())) kill(process.pid(), SIGKILL);
  return process.wait();
}

fs::path make_fifo(const fs::path& path) {
  EXPECT_EQ(mkfifo(path.c_str(), 0600), 0) << path;
  return path;
}

class CliHostilePaths : public CliTest {
 protected:
  fs::path directory() const { return file("").parent_path(); }

  fs::path recipe_copy() const {
    const fs::path recipe = file("recipe.yaml");
    if (!fs::exists(recipe)) fs::copy_file(example_recipe(), recipe);
    return recipe;
  }

  // A refused run: the exit code, both paths named, every file read untouched and nothing new in
  // the scratch directory.
  void expect_refused(const std::vector<std::string>& arguments, int exit_code,
                      const std::vector<fs::path>& named, const std::vector<fs::path>& read) {
    std::vector<Snapshot> before;
    for (const fs::path& path : read)
      before.push_back(snapshot(path));
    const std::set<std::string> names = names_in(directory());
    const HostRun run = run_briefly(arguments);
    EXPECT_EQ(run.exit_code, exit_code) << run.err;
    for (const fs::path& path : named)
      EXPECT_TRUE(contains(run.err, path.string())) << path << " not named in: " << run.err;
    for (std::size_t i = 0; i < read.size(); ++i)
      EXPECT_TRUE(snapshot(read[i]) == before[i]) << read[i] << " was modified";
    EXPECT_EQ(names_in(directory()), names) << run.err;
  }

  std::vector<std::string> run_arguments(const fs::path& input, const fs::path& output,
                                         const std::vector<std::string>& extra) {
    std::vector<std::string> arguments = {
        "run",           recipe_copy().string(), "--input",    input.string(), "--output",
        output.string(), "--overwrite",          "--progress", "none"};
    arguments.insert(arguments.end(), extra.begin(), extra.end());
    return arguments;
  }
};

TEST_F(CliHostilePaths, NoFileWrittenMayBeAFileReadWhateverNameLeadsThere) {
  const fs::path model = tiny_model();
  const fs::path recipe = recipe_copy();
  const fs::path output = file("out.safetensors");
  for (const std::string extra : {"", "--dry-run"}) {
    std::vector<std::string> flags;
    if (!extra.empty()) flags.push_back(extra);
    const auto with = [&](std::vector<std::string> more) {
      more.insert(more.end(), flags.begin(), flags.end());
      return run_arguments(model, output, more);
    };
    // The profile JSON given as the input, or as the recipe.
    expect_refused(with({"--profile-json", model.string()}), kUsage, {model}, {model, recipe});
    expect_refused(with({"--profile-json", recipe.string()}), kUsage, {recipe}, {model, recipe});
    // The profile JSON a plugin file the run loads (a copy, which --plugin-dir puts first).
    const fs::path plugin = file("liblrq-format-fp8.so");
    if (!fs::exists(plugin)) {
      fs::copy_file(fs::path(LRQ_TEST_PLUGIN_DIRECTORY) / plugin.filename(), plugin);
    }
    expect_refused(with({"--plugin-dir", directory().string(), "--profile-json", plugin.string()}),
                   kUsage, {plugin}, {model, recipe, plugin});
    // The report's name a link to the input.
    fs::create_symlink(model, file("out.report.json"));
    expect_refused(with({}), kUsage, {file("out.report.json"), model}, {model, recipe});
    fs::remove(file("out.report.json"));
    // The output a second name (a hard link) of the input.
    fs::create_hard_link(model, file("linked.safetensors"));
    expect_refused(run_arguments(model, file("linked.safetensors"), flags), kUsage,
                   {file("linked.safetensors"), model}, {model, recipe});
    fs::remove(file("linked.safetensors"));
    // The profile JSON the output, or the report, by another spelling.
    expect_refused(with({"--profile-json", (directory() / "." / "out.safetensors").string()}),
                   kUsage, {output}, {model, recipe});
    expect_refused(with({"--profile-json", file("out.report.json").string()}), kUsage,
                   {file("out.report.json")}, {model, recipe});
  }
}

TEST_F(CliHostilePaths, BenchWritesNoFileOverItsWorkload) {
  const fs::path model = tiny_model();
  const fs::path work = file("work");
  fs::create_directory(work);
  fs::create_symlink(model, work / "bench.yaml");
  expect_refused({"bench", model.string(), "--work", work.string(), "--repeat", "1"}, kUsage,
                 {work / "bench.yaml", model}, {model});
  fs::remove(work / "bench.yaml");
  fs::create_symlink(model, work / (model.stem().string() + "-cpu.log"));
  expect_refused({"bench", model.string(), "--work", work.string(), "--repeat", "1"}, kUsage,
                 {work / (model.stem().string() + "-cpu.log"), model}, {model});
}

TEST_F(CliHostilePaths, EachShardAndTheIndexOfAShardedInputAreInputs) {
  const fs::path sharded = file("sharded.safetensors");
  const HostRun split = convert(tiny_model(), sharded, {"--shard-size", "5000000", "--quiet"});
  ASSERT_EQ(split.exit_code, 0) << split.err;
  const fs::path index = file("sharded.safetensors.index.json");
  fs::path shard;
  for (const std::string& name : names_in(directory())) {
    if (name.starts_with("sharded-00002-of-")) shard = file(name);
  }
  ASSERT_FALSE(shard.empty()) << "no second shard";
  const fs::path output = file("out.safetensors");
  for (const fs::path& target : {index, shard}) {
    expect_refused(run_arguments(index, output, {"--profile-json", target.string()}), kUsage,
                   {target}, {index, shard});
  }
}

TEST_F(CliHostilePaths, NothingIsWrittenThroughAFifoOrADirectory) {
  const fs::path model = tiny_model();
  const fs::path fifo = make_fifo(file("fifo"));
  const fs::path folder = file("folder");
  fs::create_directory(folder);
  const std::vector<fs::path> read = {model};
  for (const fs::path& target : {fifo, folder}) {
    expect_refused(run_arguments(model, target, {}), kUsage, {target}, read);
    expect_refused(
        run_arguments(model, file("out.safetensors"), {"--profile-json", target.string()}), kUsage,
        {target}, read);
    expect_refused({"generate", "tiny-flux", "--output", target.string()}, kUsage, {target}, read);
  }
  // The report's name a link to a FIFO.
  fs::create_symlink(fifo, file("out.report.json"));
  expect_refused(run_arguments(model, file("out.safetensors"), {}), kUsage,
                 {file("out.report.json")}, read);
  // As root, a run would replace /dev/null; a dry run makes the same checks and writes nothing.
  expect_refused(run_arguments(model, "/dev/null", {"--dry-run"}), kUsage, {"/dev/null"}, read);
  EXPECT_EQ(fs::status(fifo).type(), fs::file_type::fifo);
  EXPECT_EQ(fs::status("/dev/null").type(), fs::file_type::character);
}

TEST_F(CliHostilePaths, AFifoGivenAsAnInputIsRefusedNotWaitedFor) {
  const fs::path model = tiny_model();
  const fs::path output = file("out.safetensors");
  const fs::path checkpoint = make_fifo(file("fifo.safetensors"));
  const fs::path index = make_fifo(file("fifo.safetensors.index.json"));
  const fs::path stats = make_fifo(file("stats.safetensors"));
  const fs::path recipe = make_fifo(file("fifo.yaml"));
  const std::vector<fs::path> read = {model};
  for (const fs::path& input : {checkpoint, index}) {
    expect_refused(run_arguments(input, output, {}), kInput, {input}, read);
    expect_refused({"inspect", input.string()}, kInput, {input}, read);
  }
  expect_refused(
      run_arguments(model, output,
                    {"--optimizer", "gptq", "--set", "calibration.stats=" + stats.string()}),
      kInput, {stats}, read);
  expect_refused({"run", recipe.string(), "--input", model.string()}, kRecipe, {recipe}, read);
}

TEST_F(CliHostilePaths, NamesThatAreNotUtf8ReachEveryJsonDocument) {
  const fs::path input = file("\xff\xfe.safetensors");
  fs::copy_file(tiny_model(), input);
  const fs::path output = file("out\xff.safetensors");
  const Snapshot before = snapshot(input);
  const std::string replaced = "out\xef\xbf\xbd.safetensors";  // U+FFFD for the byte 0xFF

  const HostRun run =
      run_host(run_arguments(input, output, {"--json", "--profile-json", file("p\xfe.json")}));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(snapshot(input) == before);
  EXPECT_NO_THROW(SafetensorsReader{output});
  EXPECT_TRUE(contains(nlohmann::json::parse(run.out)["output"].get<std::string>(), replaced));
  const nlohmann::json report = nlohmann::json::parse(read_file(file("out\xff.report.json")));
  EXPECT_TRUE(contains(report["output"].get<std::string>(), replaced)) << report["output"];
  EXPECT_TRUE(nlohmann::json::accept(read_file(file("p\xfe.json"))));
  EXPECT_EQ(names_in(directory()),
            (std::set<std::string>{input.filename().string(), output.filename().string(),
                                   "out\xff.report.json", "out\xff.report.html", "p\xfe.json",
                                   tiny_model().filename().string(), "recipe.yaml"}));

  for (const std::vector<std::string>& arguments :
       {std::vector<std::string>{"inspect", "--json", input.string()},
        run_arguments(input, file("other.safetensors"), {"--dry-run", "--json"})}) {
    const HostRun printed = run_host(arguments);
    ASSERT_EQ(printed.exit_code, 0) << printed.err;
    EXPECT_TRUE(nlohmann::json::accept(printed.out)) << printed.out;
    EXPECT_TRUE(contains(printed.out, "\xef\xbf\xbd\xef\xbf\xbd.safetensors")) << printed.out;
  }
}

}  // namespace
}  // namespace lrq::test
