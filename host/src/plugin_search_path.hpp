// Where lrq-host looks for plugins, highest priority first: --plugin-dir values, then
// LRQ_PLUGIN_PATH, then <directory of the executable>/../lib/lrq/plugins (the same relative place
// in the build tree and the install tree).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace lrq::host {

struct PluginSearchSources {
  std::vector<std::filesystem::path> command_line;  // --plugin-dir values, in the order given
  std::string environment;                          // LRQ_PLUGIN_PATH: colon-separated
  std::filesystem::path executable;                 // the running lrq-host; empty: none
};

// Existing directories only, each once (compared by weakly_canonical path), in canonical form.
std::vector<std::filesystem::path> plugin_search_path(const PluginSearchSources& sources);

// The same, with LRQ_PLUGIN_PATH from the environment and the running executable.
std::vector<std::filesystem::path> plugin_search_path(
    const std::vector<std::filesystem::path>& command_line);

// The path of the running executable (/proc/self/exe); empty when it cannot be read.
std::filesystem::path running_executable();

}  // namespace lrq::host
