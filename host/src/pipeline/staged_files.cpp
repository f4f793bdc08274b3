#include "pipeline/staged_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>

#include "lrq/error.hpp"
#include "pipeline/atomic_file.hpp"
#include "pipeline/stale_staging.hpp"

namespace lrq::host {
namespace fs = std::filesystem;
namespace {

fs::path directory_of(const fs::path& file) {
  const fs::path directory = fs::absolute(file).parent_path();
  return directory.empty() ? fs::path(".") : directory;
}

// Makes the renames into `directory` durable; best effort, as the output is committed already.
void sync_directory(const fs::path& directory) {
  const int fd = open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  fsync(fd);
  close(fd);
}

void move_into_place(const fs::path& staged, const fs::path& target) {
  if (rename(staged.c_str(), target.c_str()) != 0) {
    const int error = errno;
    throw Error(ErrorCategory::io, target.string() + ": cannot move " + staged.string() +
                                       " to it: " + std::strerror(error));
  }
}

}  // namespace

StagedFiles::StagedFiles(fs::path commit_point) : commit_point_(std::move(commit_point)) {
  staging_directory(commit_point_);
}

StagedFiles::~StagedFiles() {
  if (committed_) return;
  for (const fs::path& directory : directories_) {
    std::error_code error;
    fs::remove_all(directory, error);
  }
}

fs::path StagedFiles::staging_directory(const fs::path& target) {
  const fs::path directory = directory_of(target);
  for (const fs::path& staging : directories_) {
    std::error_code error;
    if (fs::equivalent(staging.parent_path(), directory, error)) return staging;
  }
  const fs::path staging = staging_directory_for(directory / target.filename());
  remove_stale_staging(directory / target.filename());
  // No signal may fall between making the directory and arming its removal.
  const InterruptsHeldBack held_back;
  if (mkdir(staging.c_str(), 0777) != 0) {
    const int error = errno;
    if (error == ENOENT) {
      throw Error(ErrorCategory::io, target.string() + ": the output directory " +
                                         directory.string() + " does not exist");
    }
    throw Error(ErrorCategory::io, target.string() + ": cannot make the staging directory " +
                                       staging.string() + ": " + std::strerror(error));
  }
  directories_.push_back(staging);
  arm({});
  return staging;
}

fs::path StagedFiles::stage(const fs::path& target) {
  if (target.filename().empty())
    throw Error(ErrorCategory::usage, target.string() + ": not a file name");
  const fs::path staged = staging_directory(target) / target.filename();
  for (const StagedFile& file : files_) {
    if (file.staged == staged) {
      throw Error(ErrorCategory::usage,
                  target.string() +
                      ": this run writes another file of this name there: " + file.target.string());
    }
  }
  files_.push_back({target, staged});
  arm({staged, atomic_temporary_path(staged)});
  return staged;
}

void StagedFiles::guard(const std::vector<fs::path>& temporaries) {
  arm(temporaries);
}

void StagedFiles::arm(std::vector<fs::path> paths) {
  paths.insert(paths.end(), directories_.begin(), directories_.end());
  if (cleanup_) {
    cleanup_->add(paths);
  } else {
    cleanup_.emplace(paths);
  }
}

void StagedFiles::commit() {
  // An interrupt waits until the run is committed, or undone.
  const InterruptsHeldBack held_back;
  std::vector<fs::path> moved;
  try {
    const StagedFile* last = nullptr;
    for (const StagedFile& file : files_) {
      if (file.target == commit_point_) {
        last = &file;
        continue;
      }
      move_into_place(file.staged, file.target);
      moved.push_back(file.target);
    }
    if (last == nullptr) {
      throw Error(ErrorCategory::internal,
                  commit_point_.string() + ": committed before it was written");
    }
    move_into_place(last->staged, last->target);
  } catch (...) {
    for (const fs::path& target : moved) {
      std::error_code error;
      fs::remove(target, error);
    }
    throw;
  }
  committed_ = true;
  cleanup_.reset();
  for (const fs::path& directory : directories_) {
    sync_directory(directory.parent_path());
    std::error_code error;
    fs::remove_all(directory, error);
  }
}

}  // namespace lrq::host
