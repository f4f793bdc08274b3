#include "cli/text_table.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

#include "lrq/quoted.hpp"

namespace lrq::host {
namespace {

// Wider cells overflow their column instead of widening it: padding every row to one huge cell
// would make the output quadratic in the longest name.
constexpr std::size_t kMaxPaddedWidth = 100;

}  // namespace

TextTable::TextTable(std::vector<std::string> header) : header_(std::move(header)) {}

void TextTable::add(std::vector<std::string> row) {
  row.resize(header_.size());
  for (std::string& cell : row)
    cell = escaped(cell);
  rows_.push_back(std::move(row));
}

void TextTable::print(std::ostream& out, const std::string& indent) const {
  std::vector<std::size_t> widths(header_.size());
  for (std::size_t column = 0; column < header_.size(); ++column) {
    widths[column] = header_[column].size();
    for (const auto& row : rows_) {
      if (row[column].size() <= kMaxPaddedWidth)
        widths[column] = std::max(widths[column], row[column].size());
    }
  }
  const auto print_row = [&](const std::vector<std::string>& row) {
    std::string line = indent;
    for (std::size_t column = 0; column < row.size(); ++column) {
      line += row[column];
      if (column + 1 < row.size())
        line += std::string(widths[column] - std::min(widths[column], row[column].size()) + 2, ' ');
    }
    line.erase(line.find_last_not_of(' ') + 1);  // after empty trailing cells
    out << line << '\n';
  };
  print_row(header_);
  for (const auto& row : rows_)
    print_row(row);
}

std::string format_bytes(std::uint64_t bytes) {
  constexpr std::array<const char*, 5> units = {"B", "kB", "MB", "GB", "TB"};
  double value = static_cast<double>(bytes);
  std::size_t unit = 0;
  while (value >= 1000.0 && unit + 1 < units.size()) {
    value /= 1000.0;
    ++unit;
  }
  return (unit == 0 ? std::to_string(bytes) : format_fixed(value, 1)) + " " + units[unit];
}

std::string format_fixed(double value, int decimals) {
  std::array<char, 64> text{};
  std::snprintf(text.data(), text.size(), "%.*f", decimals, value);
  return text.data();
}

std::string format_scientific(double value) {
  std::array<char, 64> text{};
  std::snprintf(text.data(), text.size(), "%.2e", value);
  return text.data();
}

}  // namespace lrq::host
