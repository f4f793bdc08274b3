#include "plugin_search_path.hpp"

#include <algorithm>
#include <cstdlib>
#include <string>
#include <string_view>
#include <system_error>

#include "lrq/log.hpp"

namespace lrq::host {

namespace {

namespace fs = std::filesystem;

std::vector<fs::path> split_path_list(std::string_view list) {
  std::vector<fs::path> directories;
  while (!list.empty()) {
    const std::size_t colon = list.find(':');
    const std::string_view entry = list.substr(0, colon);
    if (!entry.empty()) directories.emplace_back(entry);
    list = colon == std::string_view::npos ? std::string_view{} : list.substr(colon + 1);
  }
  return directories;
}

// Why `directory` cannot be searched; empty when it can.
std::string unusable_reason(const fs::path& directory) {
  std::error_code error;
  const fs::file_status status = fs::status(directory, error);
  if (status.type() == fs::file_type::not_found) return "does not exist";
  if (error) return "cannot be examined: " + error.message();
  if (!fs::is_directory(status)) return "is not a directory";
  return "";
}

class UniqueDirectories {
 public:
  // `source` names where an explicit directory came from, for the warning; empty: a default one.
  void add(const fs::path& directory, std::string_view source = {}) {
    if (const std::string reason = unusable_reason(directory); !reason.empty()) {
      if (!source.empty()) {
        log(LogLevel::warning, "plugin directory '" + directory.string() + "' (from " +
                                   std::string(source) + ") " + reason + "; ignored");
      }
      return;
    }
    std::error_code error;
    fs::path canonical = fs::weakly_canonical(directory, error);
    if (error) return;
    if (std::find(directories_.begin(), directories_.end(), canonical) == directories_.end()) {
      directories_.push_back(std::move(canonical));
    }
  }
  std::vector<fs::path> take() { return std::move(directories_); }

 private:
  std::vector<fs::path> directories_;
};

}  // namespace

std::vector<fs::path> plugin_search_path(const PluginSearchSources& sources) {
  UniqueDirectories directories;
  for (const fs::path& directory : sources.command_line) {
    directories.add(directory, "--plugin-dir");
  }
  for (const fs::path& directory : split_path_list(sources.environment)) {
    directories.add(directory, "LRQ_PLUGIN_PATH");
  }
  if (!sources.executable.empty()) {
    directories.add(sources.executable.parent_path() / ".." / "lib" / "lrq" / "plugins");
  }
  if (!sources.install_directory.empty()) directories.add(sources.install_directory);
  std::vector<fs::path> found = directories.take();
  if (log_enabled(LogLevel::debug)) {
    std::string listed;
    for (const fs::path& directory : found)
      listed += (listed.empty() ? "" : ", ") + directory.string();
    log(LogLevel::debug, "plugin directories, in search order: " + listed);
  }
  return found;
}

std::vector<fs::path> plugin_search_path(const std::vector<fs::path>& command_line) {
  const char* environment = std::getenv("LRQ_PLUGIN_PATH");
  return plugin_search_path(PluginSearchSources{command_line, environment ? environment : "",
                                                running_executable(),
                                                installed_plugin_directory()});
}

fs::path running_executable() {
  std::error_code error;
  fs::path executable = fs::read_symlink("/proc/self/exe", error);
  return error ? fs::path{} : executable;
}

fs::path installed_plugin_directory() {
  return LRQ_INSTALL_PLUGIN_DIRECTORY;
}

}  // namespace lrq::host
