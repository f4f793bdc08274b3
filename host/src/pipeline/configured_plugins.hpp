// Loading the plugin files a recipe needs, and creating its backend. (The formats and optimizers
// are configured by quantization_routes.hpp, the model profile by profile_selection.hpp.)
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <vector>

#include "lrq/backend.hpp"
#include "pipeline/plugin_creation.hpp"
#include "plugin_registry.hpp"
#include "recipe/recipe.hpp"

namespace lrq::host {

// Whether the recipe's backend is created, or only checked: a dry run needs no device.
enum class BackendUse { needed, not_needed };

// Loads only the plugin files the recipe names (its sections and override rules), and every model
// profile for `profile: auto`.
void load_recipe_plugins(const Recipe& recipe,
                         const std::vector<std::filesystem::path>& directories,
                         PluginRegistry& registry);

// The recipe's backend: one object, or one per entry of `backend.devices` or of its default
// (backend_devices.hpp), each a worker of the conversion.
struct ConfiguredBackend {
  std::vector<std::unique_ptr<Backend>> workers;  // empty when only checked
  Options options;                                // complete, `devices` not among them
  std::string label;                  // "cuda(tf32=true, devices=0,1)"; see plugin_label
  std::vector<std::int64_t> devices;  // the workers' devices; empty: one backend as configured

  Backend& first() const { return *workers.front(); }
  std::vector<Backend*> worker_pointers() const;
  // The first worker's device; with several workers, each distinct device and their number:
  // "NVIDIA H100 80GB HBM3 (device 0), 2 workers".
  std::string device_text() const;
};

// The backend with its complete options and label. Not needed: its plugin and options are checked,
// and it is neither probed nor created (no workers). Throws lrq::Error naming the recipe location:
// recipe (unknown plugin or option, a wrong `devices`), plugin (the plugin file was rejected; the
// reason is included) or unsupported (not available here).
ConfiguredBackend configure_backend(const Recipe& recipe, const PluginRegistry& registry,
                                    BackendUse use = BackendUse::needed);

}  // namespace lrq::host
