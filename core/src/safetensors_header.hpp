// Internal to lrq_core: parsing and checking a safetensors JSON header.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

#include "lrq/safetensors.hpp"

namespace lrq::detail {

struct SafetensorsHeader {
  std::vector<SafetensorsEntry> entries;  // in header order, no two with the same name
  Metadata metadata;
};

// Checks every field of `text` against a data section of `data_size` bytes and throws
// lrq::Error (input) naming `path` and the offending tensor or field. Parses with SAX straight
// into the entries: memory beyond the result stays within a small multiple of the longest token.
SafetensorsHeader parse_safetensors_header(const std::filesystem::path& path, std::string_view text,
                                           std::uint64_t data_size);

}  // namespace lrq::detail
