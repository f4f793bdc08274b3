// Plain-text tables and human-readable sizes for the commands' output.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace lrq::host {

class TextTable {
 public:
  explicit TextTable(std::vector<std::string> header);
  void add(std::vector<std::string> row);
  bool empty() const noexcept { return rows_.empty(); }
  // Columns padded to their widest cell of at most 100 characters (longer ones overflow); the
  // last column is not padded.
  void print(std::ostream& out, const std::string& indent = "  ") const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

std::string format_bytes(std::uint64_t bytes);  // "14.2 MB"
std::string format_fixed(double value, int decimals);
std::string format_scientific(double value);  // "2.95e-02"

}  // namespace lrq::host
