#include "toolchain_compatibility.hpp"

#include <functional>
#include <map>
#include <optional>

namespace lrq::host {

namespace {

using Fingerprint = std::map<std::string_view, std::string_view, std::less<>>;

// Nothing unless `text` is "key=value" pairs separated by ';', each key non-empty and given once.
std::optional<Fingerprint> parse(std::string_view text) {
  Fingerprint fields;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(';', start);
    const std::string_view pair = text.substr(start, end - start);
    const std::size_t equals = pair.find('=');
    if (equals == 0 || equals == std::string_view::npos) return std::nullopt;
    if (!fields.emplace(pair.substr(0, equals), pair.substr(equals + 1)).second) {
      return std::nullopt;
    }
    if (end == std::string_view::npos) return fields;
    start = end + 1;
  }
}

std::optional<std::string_view> field(const Fingerprint& fingerprint, std::string_view key) {
  const auto found = fingerprint.find(key);
  if (found == fingerprint.end()) return std::nullopt;
  return found->second;
}

std::string cxx_abi(std::string_view value) {
  if (value == "itanium") return "the Itanium C++ ABI";
  return "the C++ ABI '" + std::string(value) + "'";
}

std::string standard_library(std::string_view value) {
  if (value == "unknown") return "an unknown standard library";
  return std::string(value);
}

std::string string_abi(std::string_view value) {
  const std::string flag = "_GLIBCXX_USE_CXX11_ABI=" + std::string(value);
  if (value == "0") return "the pre-C++11 std::string ABI (" + flag + ")";
  if (value == "1") return "the C++11 std::string ABI (" + flag + ")";
  return flag;
}

std::string with_or_without(std::string_view debug_mode) {
  return debug_mode == "1" ? "with" : "without";
}

struct ComparedField {
  std::string_view key;
  std::string (*difference)(std::string_view plugin, std::string_view host);
};

// In the order they are checked: a different standard library makes its flags irrelevant.
constexpr ComparedField compared_fields[] = {
    {"cxxabi",
     [](std::string_view plugin, std::string_view host) {
       return "plugin uses " + cxx_abi(plugin) + ", host uses " + cxx_abi(host);
     }},
    {"stdlib",
     [](std::string_view plugin, std::string_view host) {
       return "plugin built against " + standard_library(plugin) + ", host uses " +
              standard_library(host);
     }},
    {"cxx11_abi",
     [](std::string_view plugin, std::string_view host) {
       return "plugin uses " + string_abi(plugin) + ", host uses " + string_abi(host);
     }},
    {"debug_mode",
     [](std::string_view plugin, std::string_view host) {
       return "plugin built " + with_or_without(plugin) +
              " libstdc++'s debug mode (_GLIBCXX_DEBUG), host " + with_or_without(host) +
              " it: the standard containers' layouts differ";
     }},
    {"libcxx_abi",
     [](std::string_view plugin, std::string_view host) {
       return "plugin uses libc++ ABI version " + std::string(plugin) +
              " (_LIBCPP_ABI_VERSION), host uses version " + std::string(host);
     }},
};

// Empty when the plugin agrees with the host on `compared` or the host's fingerprint does not state
// it (a libc++ host has no cxx11_abi).
std::string difference_in(const ComparedField& compared, std::string_view plugin,
                          const Fingerprint& plugin_fields, const Fingerprint& host_fields) {
  const std::optional<std::string_view> host_value = field(host_fields, compared.key);
  if (!host_value) return {};
  const std::optional<std::string_view> plugin_value = field(plugin_fields, compared.key);
  if (!plugin_value) {
    return "the plugin's toolchain fingerprint '" + std::string(plugin) + "' has no '" +
           std::string(compared.key) + "'";
  }
  if (*plugin_value == *host_value) return {};
  return compared.difference(*plugin_value, *host_value);
}

std::string compiler(const Fingerprint& fingerprint) {
  return std::string(field(fingerprint, "compiler").value_or("an unknown compiler"));
}

}  // namespace

std::string toolchain_incompatibility(std::string_view plugin, std::string_view host) {
  const std::optional<Fingerprint> plugin_fields = parse(plugin);
  if (!plugin_fields) {
    return "the plugin's toolchain fingerprint '" + std::string(plugin) +
           "' is not key=value pairs separated by ';'";
  }
  const Fingerprint host_fields = parse(host).value_or(Fingerprint{});
  for (const ComparedField& compared : compared_fields) {
    const std::string difference = difference_in(compared, plugin, *plugin_fields, host_fields);
    if (!difference.empty()) {
      return difference + " (plugin compiled by " + compiler(*plugin_fields) + ", host by " +
             compiler(host_fields) + ")";
    }
  }
  return {};
}

}  // namespace lrq::host
