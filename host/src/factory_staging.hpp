// Step two of loading a plugin: run its register_factories against a staging registrar and check
// what it registered on its own terms, before anything is committed to the registry.
#pragma once

#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "guarded.hpp"
#include "library_loader.hpp"
#include "plugin_naming.hpp"

namespace lrq::host {

// Alternatives in the order of PluginKind.
using AnyGuardedFactory = std::variant<std::shared_ptr<const GuardedFormatFactory>,
                                       std::shared_ptr<const GuardedOptimizerFactory>,
                                       std::shared_ptr<const GuardedModelProfileFactory>,
                                       std::shared_ptr<const GuardedBackendFactory>>;

struct StagedFactory {
  PluginKind kind;
  std::string name;  // copies, asked once
  std::string description;
  AnyGuardedFactory factory;
};

// The plugin's factories in registration order. Throws PluginRejected when register_factories
// throws, registers nothing or a null factory, or a factory throws when asked for its name or
// description, has an invalid name, or shares its kind and name with another of the plugin's.
std::vector<StagedFactory> stage_factories(const OpenedPlugin& plugin);

}  // namespace lrq::host
