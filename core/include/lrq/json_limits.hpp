// Limits on JSON that comes from a file: a header, a `.comfy_quant` tensor, a metadata value.
#pragma once

#include <cstddef>
#include <string_view>

namespace lrq {

// A valid safetensors header nests 3 deep and Python's safetensors stops at 128. nlohmann's dump,
// copy and comparison recurse once per level, so deeper JSON could overflow the stack.
inline constexpr std::size_t kMaxJsonDepth = 128;

// Whether `text` nests deeper than kMaxJsonDepth before any syntax error (checked without
// building the document).
bool json_nests_too_deep(std::string_view text);

}  // namespace lrq
