// A recipe: which file to convert, where to, and which plugins with which options. Read from YAML
// keeping the line and column of every value, so each error can point at it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "recipe/layer_pattern.hpp"
#include "recipe/location.hpp"

namespace lrq::host {

// A plugin option as written: the text of a scalar, or what else stood there.
struct RawOption {
  std::string key;
  std::optional<std::string> scalar;
  std::string non_scalar_kind;  // "a map", "a list" or "no value" when scalar is empty
  Location location;
  bool quoted = false;                  // written in quotes: a string, never a number or a boolean
  std::vector<std::string> items = {};  // a list of scalars: their texts
};

struct PluginSelection {
  std::string section;  // "format", "optimizer", "model", "backend"
  std::string name;
  Location location;  // of the name
  std::vector<RawOption> options;

  // Replaces the option of the same key, or adds it.
  void set(RawOption option);
};

// The backend section's host key that lists one device per worker (pipeline/backend_devices.hpp).
inline constexpr const char* kBackendDevicesKey = "devices";

// `model: {profile: auto}`, the default: the profile that recognises the input best.
inline constexpr const char* kAutoProfile = "auto";

// One rule of `overrides:`. The first rule whose `match` is found in a layer's name (the weight key
// without ".weight") decides that layer.
struct LayerOverride {
  std::size_t index = 0;                  // in the recipe's list
  std::string pattern;                    // as written
  LayerPattern regex;                     // RE2, searched unanchored
  Location location;                      // of the rule
  std::optional<PluginSelection> format;  // section "overrides[i].format"
  std::optional<PluginSelection> optimizer;
  bool skip = false;  // keep the layer unquantized

  std::string label() const;  // "override[0] 'img_mlp'"
  bool matches(const std::string& layer_name) const;
};

// A rule's format or optimizer section as it applies: with the top-level section's options under
// its own when both name the same plugin.
PluginSelection inherited(const PluginSelection& rule, const PluginSelection& top_level);

// What a quantized layer without activation statistics gets: an error (a statistics file of
// another model), or round-to-nearest.
enum class MissingStatistics { error, rtn };

// The `calibration:` section: activation statistics (docs/activation-stats.md).
struct CalibrationSettings {
  std::filesystem::path stats;  // empty: none; data-aware optimizers then cannot run
  Location stats_location;
  std::filesystem::path holdout;  // statistics of held-out inputs, for the report only
  Location holdout_location;
  MissingStatistics missing = MissingStatistics::error;
};

struct Recipe {
  std::filesystem::path source;
  std::filesystem::path input;
  Location input_location;
  std::filesystem::path output;
  Location output_location;
  PluginSelection format;
  PluginSelection optimizer;
  PluginSelection model;
  PluginSelection backend;
  std::vector<LayerOverride> overrides;
  CalibrationSettings calibration;
  // Host keys of the model section:
  bool strict_profile = false;  // fail when the named profile does not recognise the input
  bool heuristics = false;      // keep layers whose shape does not tile by the heuristic block
  std::uint64_t heuristics_block_size = 0;  // 0: from the primary format
  std::uint64_t seed = 0;
  std::uint64_t calib_samples = 3072;  // rows of synthetic calibration input per input width
  bool bias_correction = true;
  bool reference_compat = false;  // reproduce the reference's defects (docs/learned-rounding.md)
  bool report = true;             // write <output>.report.json with per-layer errors
  std::uint64_t shard_size = 0;   // bytes of tensors per output shard; 0: one output file
  bool overwrite = false;         // replace an existing output file
};

// The recipe keys, in the order the README documents them.
const std::vector<std::string>& recipe_keys();

// Reads and checks the structure of a recipe file (types, unknown and missing keys). Paths in it
// are taken relative to the recipe's directory. Throws lrq::Error (recipe) naming file, line and
// key. `input` and `output` may be left out when the command line gives them (see overrides).
Recipe load_recipe(const std::filesystem::path& path);

// The recipe of a file that gives only `format: <format>`: every other key at its default, no
// input or output. What `lrq-host quantize` starts from.
Recipe default_recipe(const std::string& format);

}  // namespace lrq::host
