// Raw safetensors bytes for tests, including deliberately malformed files that lrq's writer
// would never produce.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace lrq::test {

// An 8-byte little-endian length of `header_json`, then `header_json`, then `data`.
std::string raw_file(std::string_view header_json, std::string_view data = {});

// Like raw_file, but the length prefix says `declared_length` whatever the header's real size.
std::string raw_file_declaring(std::uint64_t declared_length, std::string_view header,
                               std::string_view data = {});

// The 8-byte little-endian encoding of `value`.
std::string u64_le(std::uint64_t value);

// Writes `bytes` to `path`, replacing it; throws std::runtime_error on failure.
void write_file(const std::filesystem::path& path, std::string_view bytes);

// The whole content of `path`; throws std::runtime_error on failure.
std::string read_file(const std::filesystem::path& path);

}  // namespace lrq::test
