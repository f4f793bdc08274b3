#include "pipeline/json_file.hpp"

#include <fstream>

#include "lrq/error.hpp"

namespace lrq::host {

void write_json_file(const std::filesystem::path& path, const nlohmann::ordered_json& json,
                     const std::string& what) {
  const std::filesystem::path temporary = path.string() + ".tmp";
  {
    std::ofstream file(temporary, std::ios::trunc);
    file << json.dump(2) << '\n';
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

nlohmann::json read_json_file(const std::filesystem::path& path) {
  std::ifstream file(path);
  if (!file) throw Error(ErrorCategory::io, path.string() + ": cannot open");
  try {
    return nlohmann::json::parse(file);
  } catch (const nlohmann::json::exception& error) {
    throw Error(ErrorCategory::io, path.string() + ": " + error.what());
  }
}

}  // namespace lrq::host
