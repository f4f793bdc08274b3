#include "pipeline/atomic_file.hpp"

#include <fstream>

#include "lrq/error.hpp"

namespace lrq::host {

std::filesystem::path atomic_temporary_path(const std::filesystem::path& path) {
  return path.string() + ".tmp";
}

void write_file_atomically(const std::filesystem::path& path, std::string_view contents,
                           const std::string& what) {
  const std::filesystem::path temporary = atomic_temporary_path(path);
  {
    std::ofstream file(temporary, std::ios::trunc | std::ios::binary);
    file << contents;
    if (!file.flush()) {
      std::filesystem::remove(temporary);
      throw Error(ErrorCategory::io, path.string() + ": cannot write " + what);
    }
  }
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error) {
    std::filesystem::remove(temporary, error);
    throw Error(ErrorCategory::io,
                path.string() + ": cannot write " + what + ": " + error.message());
  }
}

}  // namespace lrq::host
