// The plugin handshake's decision: whether what a plugin's descriptor states lets its C++ objects
// cross into this host, decided before any of them does.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace lrq::host {

struct Handshake {
  std::uint32_t abi_major = 0;
  std::uint32_t abi_minor = 0;
  std::string_view toolchain;  // LRQ_TOOLCHAIN_FINGERPRINT (lrq/abi.hpp)
};

// This host's: LRQ_ABI_MAJOR, LRQ_ABI_MINOR and the fingerprint of the toolchain that built it.
Handshake host_handshake() noexcept;

// Empty when compatible. The ABI major must equal the host's and the minor must not be newer;
// while the major is 0 (before the first release) every minor is a breaking change, as in
// semantic versioning, so the minor must be equal too. The toolchains must agree on what decides
// whether C++ objects can cross (toolchain_compatibility.hpp). Otherwise the reason, e.g. "built
// for lrq ABI 0.7, this host supports 0.6" or "incompatible toolchain: plugin built against
// libc++, host uses libstdc++ (plugin compiled by clang-14.0.6, host by gcc-12.2.0)".
std::string handshake_incompatibility(const Handshake& plugin, const Handshake& host);

}  // namespace lrq::host
