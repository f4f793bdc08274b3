#include "load_failure.hpp"

#include <cxxabi.h>

#include <cstdlib>
#include <filesystem>
#include <memory>

namespace lrq::host {

namespace {

// glibc's words for a symbol version that the library found does not define.
std::string missing_version_cause(std::string_view message) {
  const std::size_t version = message.find(": version `");
  if (version == std::string_view::npos ||
      message.find("' not found (required by ", version) == std::string_view::npos) {
    return {};
  }
  const std::filesystem::path library(message.substr(0, version));
  return "the plugin was built against a newer " + library.filename().string() +
         " than the one found here";
}

std::string demangled(const std::string& symbol) {
  int status = 0;
  const std::unique_ptr<char, decltype(&std::free)> name(
      abi::__cxa_demangle(symbol.c_str(), nullptr, nullptr, &status), &std::free);
  return status == 0 && name ? std::string(name.get()) : std::string();
}

// glibc's words: "<file>: undefined symbol: <name>", with ", version <version>" for a versioned
// symbol.
std::string undefined_symbol_cause(std::string_view message) {
  constexpr std::string_view marker = ": undefined symbol: ";
  const std::size_t found = message.find(marker);
  if (found == std::string_view::npos) return {};
  std::string_view symbol = message.substr(found + marker.size());
  symbol = symbol.substr(0, symbol.find(','));
  const std::string name = demangled(std::string(symbol));
  if (name.empty()) return {};
  const std::string that_is = "that is " + name;
  if (name.find("std::__1::") != std::string::npos) {
    return that_is + ", of libc++ (std::__1): the plugin was built against libc++, this host " +
           "uses libstdc++";
  }
  if (name.starts_with("lrq::")) {
    return that_is + ", which liblrq_core does not define: the plugin was built against other " +
           "lrq headers or another std::string ABI (_GLIBCXX_USE_CXX11_ABI) than the host";
  }
  return that_is;
}

}  // namespace

std::string load_failure_reason(std::string_view loader_message) {
  std::string reason = "cannot load: " + std::string(loader_message);
  std::string cause = missing_version_cause(loader_message);
  if (cause.empty()) cause = undefined_symbol_cause(loader_message);
  if (!cause.empty()) reason += "; " + cause;
  return reason;
}

}  // namespace lrq::host
