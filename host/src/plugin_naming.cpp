#include "plugin_naming.hpp"

#include <algorithm>
#include <array>

namespace lrq::host {

namespace {

constexpr std::array<PluginKind, 4> all_kinds{PluginKind::format, PluginKind::optimizer,
                                              PluginKind::model, PluginKind::backend};
constexpr std::string_view file_prefix = "liblrq-";
constexpr std::string_view file_suffix = ".so";

}  // namespace

const char* kind_name(PluginKind kind) noexcept {
  switch (kind) {
    case PluginKind::format:
      return "format";
    case PluginKind::optimizer:
      return "optimizer";
    case PluginKind::model:
      return "model";
    case PluginKind::backend:
      return "backend";
  }
  return "unknown";
}

std::optional<PluginKind> kind_from_name(std::string_view name) noexcept {
  const auto* found = std::find_if(all_kinds.begin(), all_kinds.end(),
                                   [name](PluginKind kind) { return name == kind_name(kind); });
  if (found == all_kinds.end()) return std::nullopt;
  return *found;
}

bool is_valid_factory_name(std::string_view name) noexcept {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::optional<PluginFileName> parse_plugin_file_name(std::string_view file_name) {
  if (!file_name.starts_with(file_prefix) || !file_name.ends_with(file_suffix)) {
    return std::nullopt;
  }
  const std::string_view stem = file_name.substr(
      file_prefix.size(), file_name.size() - file_prefix.size() - file_suffix.size());
  const std::size_t dash = stem.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  const std::optional<PluginKind> kind = kind_from_name(stem.substr(0, dash));
  const std::string_view name = stem.substr(dash + 1);
  if (!kind || !is_valid_factory_name(name)) return std::nullopt;
  return PluginFileName{*kind, std::string(name)};
}

}  // namespace lrq::host
