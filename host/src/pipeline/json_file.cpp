#include "pipeline/json_file.hpp"

#include <fstream>

#include "lrq/error.hpp"
#include "pipeline/atomic_file.hpp"
#include "pipeline/json_document.hpp"

namespace lrq::host {

void write_json_file(const std::filesystem::path& path, const nlohmann::ordered_json& json,
                     const std::string& what) {
  write_file_atomically(path, json_text(json) + '\n', what);
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
