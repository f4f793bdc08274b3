// Internal to lrq_core: UTF-8 validation.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace lrq::detail {

// The length of the strict UTF-8 (RFC 3629) sequence at the start of `text`: no overlong forms,
// no surrogates, nothing above U+10FFFF. 0 when it is not valid (or `text` is empty).
std::size_t utf8_sequence_length(std::string_view text) noexcept;

// The offset of the first byte of the first invalid sequence, if any.
std::optional<std::size_t> find_invalid_utf8(std::string_view text) noexcept;

}  // namespace lrq::detail
