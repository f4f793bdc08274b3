// The files of a run wait in a staging directory until the commit moves them into place, the commit
// point last; a failed commit takes back what it moved, and stale staging directories of dead
// processes are removed.
#include "pipeline/staged_files.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>

#include "caught_error.hpp"
#include "pipeline/stale_staging.hpp"
#include "support/raw_safetensors.hpp"
#include "support/temp_dir.hpp"

namespace lrq::host {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> names_in(const fs::path& directory) {
  std::vector<std::string> names;
  for (const fs::directory_entry& entry : fs::directory_iterator(directory))
    names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// The id of a process that has ended.
pid_t gone_process() {
  const pid_t child = fork();
  if (child == 0) _exit(0);
  waitpid(child, nullptr, 0);
  return child;
}

TEST(StagedFiles, NothingIsInPlaceBeforeTheCommitAndNothingElseAfter) {
  const test::TempDir directory;
  const fs::path output = directory.file("out.safetensors");
  StagedFiles staged(output);
  test::write_file(staged.stage(output), "model");
  test::write_file(staged.stage(directory.file("out.report.json")), "report");
  EXPECT_EQ(names_in(directory.path()),
            std::vector<std::string>{staging_directory_for(output).filename().string()});
  staged.commit();
  EXPECT_EQ(names_in(directory.path()),
            (std::vector<std::string>{"out.report.json", "out.safetensors"}));
  EXPECT_EQ(test::read_file(output), "model");
}

TEST(StagedFiles, WithoutACommitEverythingStagedIsRemoved) {
  const test::TempDir directory;
  const test::TempDir elsewhere;
  test::write_file(directory.file("out.safetensors"), "previous");
  {
    StagedFiles staged(directory.file("out.safetensors"));
    test::write_file(staged.stage(directory.file("out.safetensors")), "new");
    test::write_file(staged.stage(elsewhere.file("profile.json")), "profile");
    EXPECT_EQ(names_in(elsewhere.path()).size(), 1u);  // its own staging directory
  }
  EXPECT_EQ(names_in(directory.path()), std::vector<std::string>{"out.safetensors"});
  EXPECT_EQ(test::read_file(directory.file("out.safetensors")), "previous");
  EXPECT_TRUE(names_in(elsewhere.path()).empty());
}

// The commit point cannot be moved (a directory full of files stands in its place): the report,
// moved before it, is taken back, and the error names the commit point.
TEST(StagedFiles, AFailedCommitTakesBackWhatItMoved) {
  const test::TempDir directory;
  const fs::path output = directory.file("out.safetensors");
  fs::create_directory(output);
  test::write_file(output / "occupied", "");
  StagedFiles staged(output);
  test::write_file(staged.stage(output), "model");
  test::write_file(staged.stage(directory.file("out.report.json")), "report");
  const Error error = test::caught_error([&] { staged.commit(); });
  EXPECT_EQ(error.category(), ErrorCategory::io);
  EXPECT_EQ(std::string(error.what()).rfind(output.string() + ": cannot move", 0), 0u)
      << error.what();
  EXPECT_FALSE(fs::exists(directory.file("out.report.json")));
}

TEST(StagedFiles, AFileOfTheSameNameTwiceIsAUsageError) {
  const test::TempDir directory;
  StagedFiles staged(directory.file("out.safetensors"));
  staged.stage(directory.file("out.report.json"));
  const Error error = test::caught_error([&] { staged.stage(directory.file("out.report.json")); });
  EXPECT_EQ(error.category(), ErrorCategory::usage);
}

TEST(StaleStaging, RemovesOnlyThoseOfGoneProcessesForTheSameFile) {
  const test::TempDir directory;
  const fs::path output = directory.file("out.safetensors");
  const std::string pid = std::to_string(gone_process());
  const std::string gone = "out.safetensors.lrq-tmp-" + pid;
  fs::create_directory(directory.file(gone));
  test::write_file(directory.file(gone) / "out.safetensors", "half");
  fs::create_directory(directory.file("out.safetensors.lrq-tmp-1"));  // process 1 runs
  fs::create_directory(directory.file("other.safetensors.lrq-tmp-" + pid));
  remove_stale_staging(output);
  EXPECT_EQ(
      names_in(directory.path()),
      (std::vector<std::string>{"other.safetensors.lrq-tmp-" + pid, "out.safetensors.lrq-tmp-1"}));
}

}  // namespace
}  // namespace lrq::host
