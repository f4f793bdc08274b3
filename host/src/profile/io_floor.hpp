// The I/O floor of a conversion (README, "Profiling and benchmarks"): reading its input from the
// page cache, and writing and fsyncing a file of its output's size on the same disk. No
// conversion can be faster; `lrq-host bench` reports every run as a multiple of it.
#pragma once

#include <cstdint>
#include <filesystem>

namespace lrq::host {

struct IoFloor {
  std::uint64_t read_bytes = 0;
  double read_seconds = 0.0;
  std::uint64_t write_bytes = 0;  // 0: not measured
  double write_seconds = 0.0;
  double seconds() const noexcept { return read_seconds + write_seconds; }
};

// Reads `file` once to bring it into the page cache, as the conversions find it, then times a
// second full read. Throws lrq::Error (io) naming the file.
double time_cached_read(const std::filesystem::path& file);

// Times writing `bytes` to a new file in `directory`, fsync included; the file is removed.
// Throws lrq::Error (io) naming the file.
double time_write_and_fsync(const std::filesystem::path& directory, std::uint64_t bytes);

}  // namespace lrq::host
