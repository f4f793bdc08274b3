// The envelope and the shared vocabulary of every JSON document lrq-host prints or writes (plugins,
// plan, run, report, profile, bench; README "JSON output"): one spelling per concept, typed values.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "loaded_library.hpp"
#include "lrq/model_profile.hpp"
#include "lrq/options.hpp"
#include "lrq/tensor.hpp"

namespace lrq::host {

using Json = nlohmann::ordered_json;

// Bumped when a document changes incompatibly (a key renamed, removed or retyped); new keys keep
// it.
inline constexpr int kJsonSchemaVersion = 1;

// {"schema_version": 1, "kind": kind, "lrq_version": "0.1.0"}, the start of every document.
Json json_document(std::string_view kind);

// The text of a document or value, indented by `indent` spaces (-1: on one line). The one place
// lrq-host turns JSON into text: bytes that are not UTF-8 (a file name's, a plugin's string) become
// U+FFFD, so no name makes a writer fail.
std::string json_text(const Json& json, int indent = 2);

// A number, or null for NaN (not computed).
Json number_or_null(double value);

// An option's value as the JSON value of its type: true, 4000, 0.95, "row".
Json option_value_json(const OptionValue& value);

// {"name", "type", "default", "minimum", "maximum", "choices", "description"}: the type "boolean",
// "integer", "number" or "string", the default and the choices typed, the bounds numbers (integers
// for an integer option), null where there are none.
Json option_spec_json(const OptionSpec& spec);

// {"<name>": <typed value>, ...} of every option, defaults included.
Json options_json(const Options& options);

// A plugin as a recipe configured it: {"name", "version", "path", "label", "options"}.
Json configured_plugin_json(const std::string& name, const LoadedLibrary& library,
                            const std::string& label, const Options& options);

// {"name", "dtype", "shape"}: the dtype as safetensors spells it ("BF16"), the shape an array.
Json tensor_json(const TensorInfo& tensor);

// How many tensors are quantized, kept and removed: {"quantize", "keep", "remove"}.
class ActionCounts {
 public:
  void add(LayerAction action);
  std::size_t quantize() const noexcept { return quantize_; }
  std::size_t keep() const noexcept { return keep_; }
  std::size_t remove() const noexcept { return remove_; }
  Json json() const;

 private:
  std::size_t quantize_ = 0;
  std::size_t keep_ = 0;
  std::size_t remove_ = 0;
};

}  // namespace lrq::host
