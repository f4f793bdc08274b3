// Where lrq-host looks for plugins, highest priority first: --plugin-dir values, then
// LRQ_PLUGIN_PATH, then <directory of the executable>/../lib/lrq/plugins (the same relative place
// in the build tree and the install tree), then the install directory compiled in (which differs
// from the former where the library directory is, e.g., lib/x86_64-linux-gnu).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace lrq::host {

struct PluginSearchSources {
  std::vector<std::filesystem::path> command_line;  // --plugin-dir values, in the order given
  std::string environment;                          // LRQ_PLUGIN_PATH: colon-separated
  std::filesystem::path executable;                 // the running lrq-host; empty: none
  std::filesystem::path install_directory;          // empty: none
};

// Existing directories only, each once (compared by weakly_canonical path), in canonical form. An
// explicit directory (command line or LRQ_PLUGIN_PATH) that is missing or not a directory is
// logged as a warning; the default ones are left out silently.
std::vector<std::filesystem::path> plugin_search_path(const PluginSearchSources& sources);

// The same, with LRQ_PLUGIN_PATH from the environment, the running executable and the compiled-in
// install directory.
std::vector<std::filesystem::path> plugin_search_path(
    const std::vector<std::filesystem::path>& command_line);

// The path of the running executable (/proc/self/exe); empty when it cannot be read.
std::filesystem::path running_executable();

// Where `cmake --install` puts the plugins: <prefix>/<libdir>/lrq/plugins, absolute.
std::filesystem::path installed_plugin_directory();

}  // namespace lrq::host
