// Numbers and flags written in recipes and on the command line: the whole text must be the value.
#pragma once

#include <charconv>
#include <optional>
#include <string_view>

namespace lrq::host {

// An integer or floating-point number spelt exactly (an optional leading '+', no spaces or
// trailing text); nothing when the text is anything else or out of range.
template <class Number>
std::optional<Number> parse_number(std::string_view text) {
  Number value{};
  const char* begin = text.data();
  const char* end = begin + text.size();
  if (begin != end && *begin == '+') ++begin;
  const auto [stop, error] = std::from_chars(begin, end, value);
  if (error != std::errc() || stop != end || begin == end) return std::nullopt;
  return value;
}

// YAML 1.1's spellings of true and false that yaml-cpp accepts; nothing for any other text.
inline std::optional<bool> parse_flag(std::string_view text) {
  if (text == "true" || text == "True" || text == "TRUE" || text == "yes" || text == "on") {
    return true;
  }
  if (text == "false" || text == "False" || text == "FALSE" || text == "no" || text == "off") {
    return false;
  }
  return std::nullopt;
}

}  // namespace lrq::host
