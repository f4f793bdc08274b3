// The input files that are memory-mapped while being read, so that the fatal-signal handler can
// name the file when a read of one ends in SIGBUS: the file was truncated (by another process)
// after it was mapped, and the pages past its new end no longer exist.
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>
#include <string>

namespace lrq::host {

// Watches `bytes`, mapped from `file`, while it lives. Up to a fixed number of mappings are
// watched at once; those beyond it are not, and a SIGBUS in one names no file.
class WatchedMapping {
 public:
  WatchedMapping(std::span<const std::byte> bytes, const std::filesystem::path& file);
  ~WatchedMapping();
  WatchedMapping(const WatchedMapping&) = delete;
  WatchedMapping& operator=(const WatchedMapping&) = delete;

 private:
  std::string file_;
  int slot_ = -1;  // -1: not watched
};

// The file (NUL-terminated) of the watched mapping that holds `address`, or null.
// Async-signal-safe.
const char* watched_file_at(const void* address) noexcept;

}  // namespace lrq::host
