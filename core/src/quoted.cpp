#include "lrq/quoted.hpp"

#include <array>
#include <cstdio>

#include "utf8.hpp"

namespace lrq {
namespace {

void append_escaped_byte(std::string& out, char c) {
  std::array<char, 5> text{};
  std::snprintf(text.data(), text.size(), "\\x%02x", static_cast<unsigned char>(c));
  out += text.data();
}

bool is_c1_control(std::string_view sequence) {
  return sequence.size() == 2 && static_cast<unsigned char>(sequence[0]) == 0xC2 &&
         static_cast<unsigned char>(sequence[1]) < 0xA0;
}

}  // namespace

std::string escaped(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    const std::size_t length = detail::utf8_sequence_length(text.substr(i));
    const std::string_view sequence = text.substr(i, length == 0 ? 1 : length);
    if (length == 0 || byte < 0x20 || byte == 0x7F || is_c1_control(sequence)) {
      for (const char c : sequence)
        append_escaped_byte(out, c);
    } else {
      out += sequence;
    }
    i += sequence.size();
  }
  return out;
}

std::string in_quotes(std::string_view text) {
  return "'" + escaped(text) + "'";
}

}  // namespace lrq
