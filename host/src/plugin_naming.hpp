// The naming rules of plugin files and factories: liblrq-<kind>-<name>.so, names [a-z0-9_]+.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace lrq::host {

// In the order of the registry's factory tables; `model` holds model profiles.
enum class PluginKind { format, optimizer, model, backend };

const char* kind_name(PluginKind kind) noexcept;  // "format", "optimizer", "model", "backend"
std::optional<PluginKind> kind_from_name(std::string_view name) noexcept;

// True for a non-empty name of lowercase ASCII letters, digits and underscores.
bool is_valid_factory_name(std::string_view name) noexcept;

struct PluginFileName {
  PluginKind kind;
  std::string name;
};

// The kind and name encoded in a file name such as "liblrq-format-fp8.so"; nothing for any other
// file.
std::optional<PluginFileName> parse_plugin_file_name(std::string_view file_name);

}  // namespace lrq::host
