// The peak resident set of a process, from its resource usage.
#pragma once

#include <sys/resource.h>

#include <cstdint>

namespace lrq::host {

inline std::uint64_t peak_rss_bytes(const rusage& usage) {
  return static_cast<std::uint64_t>(usage.ru_maxrss) * 1024;  // Linux counts kilobytes
}

}  // namespace lrq::host
