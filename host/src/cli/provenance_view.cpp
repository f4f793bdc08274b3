#include "cli/provenance_view.hpp"

#include <algorithm>

#include "cli/text_table.hpp"
#include "pipeline/provenance.hpp"

namespace lrq::host {
namespace {

using Json = nlohmann::ordered_json;

const std::string* entry(const Metadata& metadata, std::string_view key) {
  const auto found = std::find_if(metadata.begin(), metadata.end(),
                                  [&](const auto& pair) { return pair.first == key; });
  return found == metadata.end() ? nullptr : &found->second;
}

Json parsed(const std::string* value) {
  if (value == nullptr) return nullptr;
  Json json = Json::parse(*value, nullptr, false);
  return json.is_discarded() ? Json(*value) : json;
}

// "format fp8 0.1.0, optimizer rtn 0.1.0, ..."
std::string plugins_text(const Json& plugins) {
  if (!plugins.is_object()) return plugins.is_string() ? plugins.get<std::string>() : "-";
  std::string text;
  for (const auto& [kind, named] : plugins.items()) {
    if (!named.is_object()) continue;
    for (const auto& [name, version] : named.items()) {
      text += (text.empty() ? "" : ", ") + kind + " " + name + " " +
              (version.is_string() ? version.get<std::string>() : version.dump());
    }
  }
  return text;
}

}  // namespace

Json provenance_json(const Metadata& metadata) {
  if (std::none_of(metadata.begin(), metadata.end(),
                   [](const auto& pair) { return is_provenance_key(pair.first); })) {
    return nullptr;
  }
  const std::string* version = entry(metadata, "lrq.version");
  const std::string* seed = entry(metadata, "lrq.seed");
  return {{"version", version ? Json(*version) : Json(nullptr)},
          {"seed", parsed(seed)},
          {"plugins", parsed(entry(metadata, "lrq.plugins"))},
          {"recipe", parsed(entry(metadata, "lrq.recipe"))}};
}

void print_provenance(const Metadata& metadata, std::ostream& out) {
  const Json json = provenance_json(metadata);
  if (json.is_null()) return;
  const auto text = [](const Json& value) {
    return value.is_null() ? std::string("-")
                           : printable(value.is_string() ? value.get<std::string>() : value.dump());
  };
  out << "made by lrq " << text(json["version"]) << ", seed " << text(json["seed"]) << '\n'
      << "  plugins: " << printable(plugins_text(json["plugins"])) << '\n'
      << "  recipe: " << text(json["recipe"]) << '\n';
}

}  // namespace lrq::host
