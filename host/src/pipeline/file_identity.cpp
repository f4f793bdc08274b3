#include "pipeline/file_identity.hpp"

#include <sys/stat.h>

#include <optional>

namespace lrq::host {
namespace {

namespace fs = std::filesystem;

std::optional<struct stat> status_of(const fs::path& path) {
  struct stat status {};
  if (::stat(path.c_str(), &status) != 0) return std::nullopt;
  return status;
}

std::string kind_of(mode_t mode) {
  if (S_ISREG(mode)) return "";
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  return "a special file";
}

bool same_file(const struct stat& a, const struct stat& b) {
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

// Where a file to write goes: the file itself when it exists, else its name with the links and
// ".." of its directories resolved (empty when that fails).
struct Target {
  std::optional<struct stat> status;
  fs::path resolved;

  explicit Target(const fs::path& path) : status(status_of(path)) {
    std::error_code error;
    if (!status) resolved = fs::weakly_canonical(fs::absolute(path, error), error);
    if (error) resolved.clear();
  }

  bool same_as(const Target& other) const {
    if (status || other.status) {
      return status && other.status && same_file(*status, *other.status);
    }
    return !resolved.empty() && resolved == other.resolved;
  }
};

}  // namespace

std::string non_regular_kind(const fs::path& path) {
  const std::optional<struct stat> status = status_of(path);
  return status ? kind_of(status->st_mode) : "";
}

void require_regular_input(const fs::path& path, ErrorCategory category) {
  const std::string kind = non_regular_kind(path);
  if (!kind.empty()) throw Error(category, path.string() + ": is " + kind + ", not a regular file");
}

void CommandFiles::reads(const fs::path& path, std::string role) {
  read_.push_back({path, std::move(role)});
}

void CommandFiles::writes(const fs::path& path, std::string role) {
  written_.push_back({path, std::move(role)});
}

void CommandFiles::check() const {
  std::vector<std::optional<struct stat>> read_status;
  for (const Named& input : read_)
    read_status.push_back(status_of(input.path));
  std::vector<Target> targets;
  for (const Named& file : written_) {
    const Target& target = targets.emplace_back(file.path);
    if (target.status && !S_ISREG(target.status->st_mode)) {
      throw Error(ErrorCategory::usage, file.path.string() + ": " + file.role + " is " +
                                            kind_of(target.status->st_mode) +
                                            ", not a regular file; refusing to write through it");
    }
    for (std::size_t i = 0; i < read_.size(); ++i) {
      if (target.status && read_status[i] && same_file(*target.status, *read_status[i])) {
        throw Error(ErrorCategory::usage,
                    file.path.string() + ": refusing to overwrite the input file " +
                        read_[i].path.string() + " (" + read_[i].role + ") with " + file.role);
      }
    }
    for (std::size_t i = 0; i + 1 < targets.size(); ++i) {
      if (targets[i].same_as(target)) {
        throw Error(ErrorCategory::usage, file.path.string() + ": refusing to write " + file.role +
                                              " over " + written_[i].role + " " +
                                              written_[i].path.string() + " (the same file)");
      }
    }
  }
}

}  // namespace lrq::host
