#include "cli/provenance_view.hpp"

#include <algorithm>

#include "cli/text_table.hpp"
#include "lrq/quoted.hpp"
#include "pipeline/provenance.hpp"

namespace lrq::host {
namespace {

using Json = nlohmann::ordered_json;

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

void print_provenance(const Metadata& metadata, std::ostream& out) {
  const Json json = provenance_json(metadata);
  if (json.is_null()) return;
  const auto text = [](const Json& value) {
    return value.is_null() ? std::string("-")
                           : escaped(value.is_string() ? value.get<std::string>() : value.dump());
  };
  out << "made by lrq " << text(json["version"]) << ", seed " << text(json["seed"]) << '\n'
      << "  plugins: " << escaped(plugins_text(json["plugins"])) << '\n'
      << "  recipe: " << text(json["recipe"]) << '\n';
}

}  // namespace lrq::host
