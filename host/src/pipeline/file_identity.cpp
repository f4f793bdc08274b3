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

// Where a file to write would be: itself when it exists, else the name with the links and ".."
// of its directories resolved.
bool same_target(const fs::path& a, const fs::path& b) {
  const std::optional<struct stat> first = status_of(a);
  const std::optional<struct stat> second = status_of(b);
  if (first || second) return first && second && same_file(*first, *second);
  std::error_code error;
  const fs::path resolved_a = fs::weakly_canonical(fs::absolute(a), error);
  if (error) return false;
  const fs::path resolved_b = fs::weakly_canonical(fs::absolute(b), error);
  return !error && resolved_a == resolved_b;
}

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
  for (auto file = written_.begin(); file != written_.end(); ++file) {
    const std::optional<struct stat> status = status_of(file->path);
    if (status && !S_ISREG(status->st_mode)) {
      throw Error(ErrorCategory::usage, file->path.string() + ": " + file->role + " is " +
                                            kind_of(status->st_mode) +
                                            ", not a regular file; refusing to write through it");
    }
    for (const Named& input : read_) {
      const std::optional<struct stat> input_status = status_of(input.path);
      if (status && input_status && same_file(*status, *input_status)) {
        throw Error(ErrorCategory::usage,
                    file->path.string() + ": refusing to overwrite the input file " +
                        input.path.string() + " (" + input.role + ") with " + file->role);
      }
    }
    for (auto earlier = written_.begin(); earlier != file; ++earlier) {
      if (same_target(earlier->path, file->path)) {
        throw Error(ErrorCategory::usage, file->path.string() + ": refusing to write " +
                                              file->role + " over " + earlier->role + " " +
                                              earlier->path.string() + " (the same file)");
      }
    }
  }
}

}  // namespace lrq::host
