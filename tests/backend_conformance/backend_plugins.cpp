#include "backend_plugins.hpp"

#include <cstdlib>
#include <string_view>

#include <boost/dll/runtime_symbol_info.hpp>

#include "lrq/abi.hpp"
#include "plugin_registry.hpp"

namespace lrq::test {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> split(std::string_view list, char separator) {
  std::vector<std::string> items;
  while (!list.empty()) {
    const std::size_t end = list.find(separator);
    if (end != 0) items.emplace_back(list.substr(0, end));
    list = end == std::string_view::npos ? std::string_view{} : list.substr(end + 1);
  }
  return items;
}

std::string environment(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

// dladdr on an address inside liblrq_core (the text its fingerprint function returns) names the
// library file this process loaded.
fs::path core_library_directory() {
  return fs::path(boost::dll::symbol_location_ptr(host_toolchain_fingerprint())).parent_path();
}

const host::PluginRegistry& registry() {
  static const host::PluginRegistry loaded = [] {
    host::PluginRegistry plugins;
    plugins.load(backend_plugin_directories(),
                 [](std::string_view kind, std::string_view) { return kind == "backend"; });
    return plugins;
  }();
  return loaded;
}

}  // namespace

std::vector<std::string> backend_names() {
  const std::string chosen = environment("LRQ_CONFORMANCE_BACKENDS");
  if (chosen.empty()) return {"cpu", "cuda", "cublaslt"};
  return split(chosen, ',');
}

bool backend_is_optional(const std::string& name) {
  return environment("LRQ_CONFORMANCE_BACKENDS").empty() && name != "cpu";
}

std::vector<fs::path> backend_plugin_directories() {
  std::vector<fs::path> directories;
  for (const std::string& directory : split(environment("LRQ_CONFORMANCE_PLUGIN_PATH"), ':')) {
    directories.emplace_back(directory);
  }
  directories.push_back(core_library_directory() / "lrq" / "plugins");
  return directories;
}

std::shared_ptr<const BackendFactory> backend_factory(const std::string& name) {
  return registry().backend(name);
}

std::string missing_backend_reason(const std::string& name) {
  std::string reasons;
  for (const host::PluginRejection& rejection :
       registry().rejections_for(host::PluginKind::backend, name)) {
    reasons += "\n  " + rejection.path.string() + ": " + rejection.reason;
  }
  if (!reasons.empty()) return "rejected:" + reasons;
  std::string searched;
  for (const fs::path& directory : backend_plugin_directories()) {
    searched += (searched.empty() ? "" : ", ") + directory.string();
  }
  return "no liblrq-backend-" + name + ".so in " + searched;
}

}  // namespace lrq::test
