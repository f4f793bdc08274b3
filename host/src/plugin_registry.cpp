#include "plugin_registry.hpp"

#include <algorithm>
#include <iterator>
#include <optional>
#include <system_error>

#include "plugin_probe.hpp"

namespace lrq::host {

namespace {

namespace fs = std::filesystem;

struct PluginFile {
  fs::path path;
  PluginFileName name;
};

// The plugin files of one directory, sorted by file name; other files are not ours to judge.
std::vector<PluginFile> plugin_files(const fs::path& directory) {
  std::vector<PluginFile> files;
  std::error_code error;
  for (fs::directory_iterator it(directory, error), end; !error && it != end; it.increment(error)) {
    std::error_code status_error;
    if (!it->is_regular_file(status_error)) continue;
    if (auto name = parse_plugin_file_name(it->path().filename().string())) {
      files.push_back({it->path(), std::move(*name)});
    }
  }
  if (error) throw PluginRejected("cannot list the directory: " + error.message());
  std::sort(files.begin(), files.end(),
            [](const PluginFile& a, const PluginFile& b) { return a.path < b.path; });
  return files;
}

// A file must provide what its name promises: the filter, `run` and its error messages choose
// plugins by file name alone.
void require_descriptor_name(const PluginFileName& file, const LoadedLibrary& library) {
  if (library.name != file.name) {
    throw PluginRejected("the file name says plugin '" + file.name + "', its descriptor says '" +
                         library.name + "'");
  }
}

void require_named_factory(const PluginFileName& file, const std::vector<StagedFactory>& staged) {
  const bool provided = std::any_of(staged.begin(), staged.end(), [&file](const auto& candidate) {
    return candidate.kind == file.kind && candidate.name == file.name;
  });
  if (!provided) {
    throw PluginRejected("registers no " + std::string(kind_name(file.kind)) + " '" + file.name +
                         "'");
  }
}

bool file_is(const fs::path& path, PluginKind kind, std::string_view name) {
  const std::optional<PluginFileName> file = parse_plugin_file_name(path.filename().string());
  return file && file->kind == kind && file->name == name;
}

}  // namespace

void PluginRegistry::load(const std::vector<fs::path>& directories, const PluginFilter& wanted) {
  for (const fs::path& directory : directories) {
    std::vector<PluginFile> files;
    try {
      files = plugin_files(directory);
    } catch (const PluginRejected& rejected) {
      rejections_.push_back({directory, rejected.what()});
    }
    std::vector<const PluginFile*> chosen;
    std::vector<fs::path> paths;
    for (const PluginFile& file : files) {
      if (wanted && !wanted(kind_name(file.name.kind), file.name.name)) {
        skipped_.push_back(file.name);
        continue;
      }
      chosen.push_back(&file);
      paths.push_back(file.path);
    }
    const std::vector<std::string> crashes = probe_plugin_files(paths);
    for (std::size_t i = 0; i < chosen.size(); ++i) {
      try {
        if (!crashes[i].empty()) throw PluginRejected(crashes[i]);
        load_file(chosen[i]->path, chosen[i]->name);
      } catch (const PluginRejected& rejected) {
        rejections_.push_back({chosen[i]->path, rejected.what()});
      }
    }
  }
}

void PluginRegistry::load_file(const fs::path& path, const PluginFileName& file_name) {
  const OpenedPlugin plugin = open_plugin(path);
  require_descriptor_name(file_name, *plugin.library);
  std::vector<StagedFactory> staged = stage_factories(plugin);
  require_named_factory(file_name, staged);
  for (const StagedFactory& candidate : staged) {
    const auto taken = table(candidate.kind).find(candidate.name);
    if (taken != table(candidate.kind).end()) {
      throw PluginRejected("duplicate " + std::string(kind_name(candidate.kind)) + " '" +
                           candidate.name + "': already provided by " +
                           taken->second.listing.library->path.string());
    }
  }
  for (StagedFactory& candidate : staged) {
    FactoryListing listing{candidate.kind, candidate.name, std::move(candidate.description),
                           plugin.library};
    table(candidate.kind)
        .emplace(std::move(candidate.name),
                 Registered{std::move(listing), std::move(candidate.factory)});
  }
  libraries_.push_back(plugin.library);
}

template <class GuardedFactoryType>
std::shared_ptr<const GuardedFactoryType> PluginRegistry::find(PluginKind kind,
                                                               std::string_view name) const {
  const auto found = table(kind).find(name);
  if (found == table(kind).end()) return nullptr;
  return std::get<std::shared_ptr<const GuardedFactoryType>>(found->second.factory);
}

std::shared_ptr<const GuardedFormatFactory> PluginRegistry::format(std::string_view name) const {
  return find<GuardedFormatFactory>(PluginKind::format, name);
}

std::shared_ptr<const GuardedOptimizerFactory> PluginRegistry::optimizer(
    std::string_view name) const {
  return find<GuardedOptimizerFactory>(PluginKind::optimizer, name);
}

std::shared_ptr<const GuardedModelProfileFactory> PluginRegistry::model_profile(
    std::string_view name) const {
  return find<GuardedModelProfileFactory>(PluginKind::model, name);
}

std::shared_ptr<const GuardedBackendFactory> PluginRegistry::backend(std::string_view name) const {
  return find<GuardedBackendFactory>(PluginKind::backend, name);
}

std::vector<std::string> PluginRegistry::names(PluginKind kind) const {
  std::vector<std::string> result;
  for (const auto& [name, registered] : table(kind))
    result.push_back(name);
  return result;
}

std::vector<std::string> PluginRegistry::available_names(PluginKind kind) const {
  std::vector<std::string> result = names(kind);
  for (const PluginFileName& file : skipped_) {
    if (file.kind == kind) result.push_back(file.name);
  }
  std::sort(result.begin(), result.end());
  result.erase(std::unique(result.begin(), result.end()), result.end());
  return result;
}

std::vector<FactoryListing> PluginRegistry::factories() const {
  std::vector<FactoryListing> result;
  for (const FactoryTable& factories : tables_) {
    for (const auto& [name, registered] : factories)
      result.push_back(registered.listing);
  }
  return result;
}

std::vector<PluginRejection> PluginRegistry::rejections_for(PluginKind kind,
                                                            std::string_view name) const {
  std::vector<PluginRejection> result;
  std::copy_if(
      rejections_.begin(), rejections_.end(), std::back_inserter(result),
      [&](const PluginRejection& rejection) { return file_is(rejection.path, kind, name); });
  return result;
}

}  // namespace lrq::host
