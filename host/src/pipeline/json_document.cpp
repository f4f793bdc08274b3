#include "pipeline/json_document.hpp"

#include <cmath>
#include <cstdint>

#include "lrq/version.hpp"

namespace lrq::host {
namespace {

// An integer option's bound as an integer (1, not 1.0); a number option's as it is.
Json bound_json(const std::optional<double>& bound, OptionType type) {
  if (!bound) return nullptr;
  if (type == OptionType::integer) return static_cast<std::int64_t>(*bound);
  return *bound;
}

// JSON's own names for the types: "boolean", "integer", "number", "string".
const char* type_json(OptionType type) {
  switch (type) {
    case OptionType::boolean:
      return "boolean";
    case OptionType::integer:
      return "integer";
    case OptionType::number:
      return "number";
    case OptionType::string:
      return "string";
  }
  return "string";
}

}  // namespace

Json json_document(std::string_view kind) {
  return {{"schema_version", kJsonSchemaVersion}, {"kind", kind}, {"lrq_version", LRQ_VERSION}};
}

std::string json_text(const Json& json, int indent) {
  return json.dump(indent, ' ', false, Json::error_handler_t::replace);
}

Json number_or_null(double value) {
  return std::isnan(value) ? Json(nullptr) : Json(value);
}

Json option_value_json(const OptionValue& value) {
  return std::visit([](const auto& typed) { return Json(typed); }, value);
}

Json option_spec_json(const OptionSpec& spec) {
  Json choices = nullptr;
  if (!spec.choices.empty()) {
    choices = Json::array();
    for (const OptionValue& choice : spec.choices)
      choices.push_back(option_value_json(choice));
  }
  return {{"name", spec.name},
          {"type", type_json(spec.type)},
          {"default", option_value_json(spec.default_value)},
          {"minimum", bound_json(spec.minimum, spec.type)},
          {"maximum", bound_json(spec.maximum, spec.type)},
          {"choices", std::move(choices)},
          {"description", spec.help}};
}

Json options_json(const Options& options) {
  Json json = Json::object();
  for (const auto& [name, value] : options.values())
    json[name] = option_value_json(value);
  return json;
}

Json configured_plugin_json(const std::string& name, const LoadedLibrary& library,
                            const std::string& label, const Options& options) {
  return {{"name", name},
          {"version", library.version},
          {"path", library.path.string()},
          {"label", label},
          {"options", options_json(options)}};
}

Json tensor_json(const TensorInfo& tensor) {
  return {
      {"name", tensor.name}, {"dtype", safetensors_name(tensor.dtype)}, {"shape", tensor.shape}};
}

void ActionCounts::add(LayerAction action) {
  switch (action) {
    case LayerAction::quantize:
      ++quantize_;
      break;
    case LayerAction::keep:
      ++keep_;
      break;
    case LayerAction::remove:
      ++remove_;
      break;
  }
}

Json ActionCounts::json() const {
  return {{"quantize", quantize_}, {"keep", keep_}, {"remove", remove_}};
}

}  // namespace lrq::host
