// Files known by what they are, not by their names: a command collects every file it reads and
// every file it writes, and checks them before it writes anything. Two names (a symbolic link, a
// hard link, "dir/../x", a bind mount) lead to the same file exactly when stat() gives the same
// device and inode.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "lrq/error.hpp"

namespace lrq::host {

// "a directory", "a FIFO", "a socket", "a character device" or "a block device" when `path`
// exists (links followed) and is not a regular file; empty when it is one or does not exist.
std::string non_regular_kind(const std::filesystem::path& path);

// Throws lrq::Error of `category` naming the path ("PATH: is a FIFO, not a regular file") when
// `path` exists and is not a regular file: opening a FIFO would wait for a writer forever.
void require_regular_input(const std::filesystem::path& path, ErrorCategory category);

class CommandFiles {
 public:
  // `role` names the file in messages: "the recipe", "the report".
  void reads(const std::filesystem::path& path, std::string role);
  void writes(const std::filesystem::path& path, std::string role);

  // Throws lrq::Error (usage), before anything is written, when a file to write exists and is not
  // a regular file (it would be written through or replaced), is a file read, or is another file
  // to write; the message names both paths and their roles.
  void check() const;

 private:
  struct Named {
    std::filesystem::path path;
    std::string role;
  };
  std::vector<Named> read_;
  std::vector<Named> written_;
};

}  // namespace lrq::host
