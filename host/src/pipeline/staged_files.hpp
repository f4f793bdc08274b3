// Everything lrq-host run writes (the output or its shards and index, the report, the HTML report,
// the profile) is staged first, in a staging directory beside the commit point, the output file or
// a sharded output's index (stale_staging.hpp names it), and, for a file elsewhere
// (--profile-json), in one beside that file. commit() then moves the files into place, the commit
// point last: its rename is the one moment the new output appears, after everything that belongs
// to it has been written. Until then a failure or an interrupt (SIGINT, SIGTERM, SIGHUP) removes
// every staged file and leaves the previous output as it was; a run killed outright leaves one
// staging directory, which the next run writing the same file removes.
#pragma once

#include <filesystem>
#include <optional>
#include <vector>

#include "pipeline/interrupt_cleanup.hpp"

namespace lrq::host {

class StagedFiles {
 public:
  // Removes stale staging directories of `commit_point` and makes this run's. Throws lrq::Error
  // (io) naming the commit point when the directory cannot be made.
  explicit StagedFiles(std::filesystem::path commit_point);
  ~StagedFiles();  // without commit(): removes everything staged
  StagedFiles(const StagedFiles&) = delete;
  StagedFiles& operator=(const StagedFiles&) = delete;

  const std::filesystem::path& commit_point() const noexcept { return commit_point_; }

  // Where to write `target` (or its write_file_atomically temporary file) now; commit() moves it
  // to `target`. Throws lrq::Error (usage) when `target` names no file (a directory's path ending
  // in
  // '/') or the run already writes a file of that name there.
  std::filesystem::path stage(const std::filesystem::path& target);
  // Temporary files that a writer made in a staging directory: an interrupt removes them too.
  void guard(const std::vector<std::filesystem::path>& temporaries);

  // Moves every staged file to its target, the commit point last. Throws lrq::Error (io) naming
  // the target that could not be moved, after moving the others back out of place (removing
  // them): then nothing of the run is left.
  void commit();

 private:
  struct StagedFile {
    std::filesystem::path target;
    std::filesystem::path staged;
  };

  std::filesystem::path staging_directory(const std::filesystem::path& target);
  // Hands the interrupt handler `paths` to remove, then the staging directories again: it removes
  // them in order, and a directory only once it is empty.
  void arm(std::vector<std::filesystem::path> paths);

  std::filesystem::path commit_point_;
  std::vector<std::filesystem::path> directories_;  // the first beside the commit point
  std::vector<StagedFile> files_;                   // in the order they were staged
  std::optional<InterruptCleanup> cleanup_;
  bool committed_ = false;
};

}  // namespace lrq::host
