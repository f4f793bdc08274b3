// Where a recipe value came from: a line and column of a recipe file, or the command line.
#pragma once

#include <string>

namespace lrq::host {

struct Location {
  std::string source;  // a file path, or "command line (--set format.scale=row)"
  int line = 0;        // 1-based; 0 when the source has no lines
  int column = 0;

  // "configs/a.yaml:3:5", "configs/a.yaml" or "command line (--input)"
  std::string to_string() const;

  bool operator==(const Location&) const = default;
};

}  // namespace lrq::host
