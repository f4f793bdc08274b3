// What the plan (run --dry-run --json), the run summary (run --json) and the report say first about
// a run of a recipe: its files and the plugins it configured, each with its version, file and typed
// options.
#pragma once

#include <filesystem>
#include <string>

#include "lrq/backend.hpp"
#include "pipeline/configured_plugins.hpp"
#include "pipeline/json_document.hpp"
#include "pipeline/plugin_creation.hpp"
#include "pipeline/profile_selection.hpp"
#include "pipeline/quantization_routes.hpp"
#include "plugin_registry.hpp"
#include "recipe/recipe.hpp"

namespace lrq::host {

struct RunSubject {
  std::filesystem::path input;
  std::filesystem::path output;  // empty: none given (a dry run may leave it out)
  std::string format;            // the plugins' names
  std::string optimizer;
  std::string model;
  std::string backend;
  // {"format", "optimizer", "model", "backend", "overrides"}: configured_plugin_json of each; the
  // model adds "auto", "score" and "reason" of its choice, the backend its "devices" where the
  // recipe lists them, and each override rule its "rule",
  // "match", "skip" and its route's "format" and "optimizer" (null for a skip).
  Json plugins;
};

RunSubject run_subject(const Recipe& recipe, const PluginRegistry& registry,
                       const QuantizationRoutes& routes, const SelectedProfile& profile,
                       const ConfiguredBackend& backend);

// {"input", "output", "format", "optimizer", "model", "backend", "plugins"}; output null when
// empty.
Json run_subject_json(const RunSubject& subject);

}  // namespace lrq::host
