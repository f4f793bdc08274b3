#include "handshake.hpp"

#include "lrq/abi.hpp"
#include "toolchain_compatibility.hpp"

namespace lrq::host {

namespace {

bool abi_compatible(const Handshake& plugin, const Handshake& host) {
  if (plugin.abi_major != host.abi_major) return false;
  return host.abi_major == 0 ? plugin.abi_minor == host.abi_minor
                             : plugin.abi_minor <= host.abi_minor;
}

std::string abi_version(const Handshake& handshake) {
  return std::to_string(handshake.abi_major) + "." + std::to_string(handshake.abi_minor);
}

}  // namespace

Handshake host_handshake() noexcept {
  return {LRQ_ABI_MAJOR, LRQ_ABI_MINOR, host_toolchain_fingerprint()};
}

std::string handshake_incompatibility(const Handshake& plugin, const Handshake& host) {
  if (!abi_compatible(plugin, host)) {
    return "built for lrq ABI " + abi_version(plugin) + ", this host supports " + abi_version(host);
  }
  const std::string toolchain = toolchain_incompatibility(plugin.toolchain, host.toolchain);
  if (!toolchain.empty()) return "incompatible toolchain: " + toolchain;
  return {};
}

}  // namespace lrq::host
