// Numbers and flags written in recipes and on the command line: the whole text must be the value.
#pragma once

#include <charconv>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <utility>

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

// An integer spelt exactly, as parse_number reads it, within [minimum, maximum]; nothing for any
// other text or value.
template <class Integer>
std::optional<Integer> parse_integer_in(std::string_view text, Integer minimum, Integer maximum) {
  const std::optional<Integer> value = parse_number<Integer>(text);
  if (!value || *value < minimum || *value > maximum) return std::nullopt;
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

// A size in bytes: a whole number, optionally followed by a unit, B, KB, MB, GB, TB (powers of
// 1000, as Hugging Face reads "5GB") or KiB, MiB, GiB, TiB (powers of 1024); nothing for any other
// text or a size beyond 64 bits.
inline std::optional<std::uint64_t> parse_byte_size(std::string_view text) {
  static constexpr std::pair<std::string_view, std::uint64_t> kUnits[] = {
      {"KiB", 1ULL << 10},
      {"MiB", 1ULL << 20},
      {"GiB", 1ULL << 30},
      {"TiB", 1ULL << 40},
      {"KB", 1'000ULL},
      {"MB", 1'000'000ULL},
      {"GB", 1'000'000'000ULL},
      {"TB", 1'000'000'000'000ULL},
      {"B", 1ULL}};
  std::uint64_t multiplier = 1;
  for (const auto& [unit, size] : kUnits) {
    if (text.ends_with(unit)) {
      text.remove_suffix(unit.size());
      multiplier = size;
      break;
    }
  }
  const std::optional<std::uint64_t> count = parse_number<std::uint64_t>(text);
  if (!count || *count > std::numeric_limits<std::uint64_t>::max() / multiplier) {
    return std::nullopt;
  }
  return *count * multiplier;
}

}  // namespace lrq::host
