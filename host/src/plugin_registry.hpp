// Every factory the plugins provide, by kind and name, plus the libraries they came from and why
// other plugin files were skipped. Lookups hand out guarded factories that keep their library
// loaded, so they (and everything they make) may outlive the registry.
#pragma once

#include <array>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "factory_staging.hpp"
#include "guarded.hpp"
#include "loaded_library.hpp"
#include "plugin_naming.hpp"

namespace lrq::host {

struct PluginRejection {
  std::filesystem::path path;
  std::string reason;  // one line, e.g. "built for lrq ABI 9.0, this host supports 0.1"
};

// One row of `lrq-host plugins`.
struct FactoryListing {
  PluginKind kind;
  std::string name;
  std::string description;
  std::shared_ptr<const LoadedLibrary> library;  // version, ABI, path
};

// Decides from a plugin's file name (liblrq-<kind>-<name>.so) whether to load it.
using PluginFilter = std::function<bool(std::string_view kind, std::string_view name)>;

class PluginRegistry {
 public:
  // Loads the plugin files of each directory (not recursive, sorted by file name) that `wanted`
  // accepts (all when empty). liblrq-<kind>-<name>.so must carry the descriptor name <name> and
  // register a <kind> named <name> (other factories may come with it). A file that fails any check
  // is skipped and recorded in rejections(); an earlier file wins a name that a later one also
  // registers. Each file is loaded in a child process first (plugin_probe.hpp), so that one that
  // crashes or exits while loading is only rejected.
  void load(const std::vector<std::filesystem::path>& directories, const PluginFilter& wanted = {});

  // Null when no plugin provides the name.
  std::shared_ptr<const GuardedFormatFactory> format(std::string_view name) const;
  std::shared_ptr<const GuardedOptimizerFactory> optimizer(std::string_view name) const;
  std::shared_ptr<const GuardedModelProfileFactory> model_profile(std::string_view name) const;
  std::shared_ptr<const GuardedBackendFactory> backend(std::string_view name) const;

  std::vector<std::string> names(PluginKind kind) const;  // sorted
  // names() plus the names of plugin files that load() skipped because they were not wanted
  // (taken from the file names): what a recipe could have named.
  std::vector<std::string> available_names(PluginKind kind) const;
  std::vector<FactoryListing> factories() const;  // by kind, then name
  const std::vector<std::shared_ptr<const LoadedLibrary>>& libraries() const noexcept {
    return libraries_;
  }
  const std::vector<PluginRejection>& rejections() const noexcept { return rejections_; }
  // The rejections of the plugin files named liblrq-<kind>-<name>.so, in load order.
  std::vector<PluginRejection> rejections_for(PluginKind kind, std::string_view name) const;

 private:
  struct Registered {
    FactoryListing listing;
    AnyGuardedFactory factory;
  };
  using FactoryTable = std::map<std::string, Registered, std::less<>>;

  void load_file(const std::filesystem::path& path, const PluginFileName& file_name);
  template <class GuardedFactoryType>
  std::shared_ptr<const GuardedFactoryType> find(PluginKind kind, std::string_view name) const;
  FactoryTable& table(PluginKind kind) { return tables_[static_cast<std::size_t>(kind)]; }
  const FactoryTable& table(PluginKind kind) const {
    return tables_[static_cast<std::size_t>(kind)];
  }

  std::array<FactoryTable, std::variant_size_v<AnyGuardedFactory>> tables_;
  std::vector<std::shared_ptr<const LoadedLibrary>> libraries_;
  std::vector<PluginRejection> rejections_;
  std::vector<PluginFileName> skipped_;
};

}  // namespace lrq::host
