// Files that lrq writes beside the output: to a temporary file, then renamed, so a reader never
// sees half of one.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace lrq::host {

// The temporary file that write_file_atomically renames to `path`.
std::filesystem::path atomic_temporary_path(const std::filesystem::path& path);

// Throws lrq::Error (io) naming the path and `what` ("the report").
void write_file_atomically(const std::filesystem::path& path, std::string_view contents,
                           const std::string& what);

}  // namespace lrq::host
