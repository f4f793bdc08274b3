#include "plugin_search_path.hpp"

#include <algorithm>
#include <cstdlib>
#include <string_view>
#include <system_error>

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

class UniqueDirectories {
 public:
  void add(const fs::path& directory) {
    std::error_code error;
    if (!fs::is_directory(directory, error)) return;
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
  for (const fs::path& directory : sources.command_line)
    directories.add(directory);
  for (const fs::path& directory : split_path_list(sources.environment)) {
    directories.add(directory);
  }
  if (!sources.executable.empty()) {
    directories.add(sources.executable.parent_path() / ".." / "lib" / "lrq" / "plugins");
  }
  return directories.take();
}

std::vector<fs::path> plugin_search_path(const std::vector<fs::path>& command_line) {
  const char* environment = std::getenv("LRQ_PLUGIN_PATH");
  return plugin_search_path(
      PluginSearchSources{command_line, environment ? environment : "", running_executable()});
}

fs::path running_executable() {
  std::error_code error;
  fs::path executable = fs::read_symlink("/proc/self/exe", error);
  return error ? fs::path{} : executable;
}

}  // namespace lrq::host
