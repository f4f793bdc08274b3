// JSON files that lrq writes: to a temporary file, then renamed, so a reader never sees half of
// one.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

namespace lrq::host {

// Throws lrq::Error (io) naming the path and `what` ("the report").
void write_json_file(const std::filesystem::path& path, const nlohmann::ordered_json& json,
                     const std::string& what);

// Throws lrq::Error (io) naming the path when it cannot be read or parsed.
nlohmann::json read_json_file(const std::filesystem::path& path);

}  // namespace lrq::host
