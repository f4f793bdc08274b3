// Whether a plugin's toolchain can share C++ objects with the host's: compares the two toolchain
// fingerprints (LRQ_TOOLCHAIN_FINGERPRINT, lrq/abi.hpp) on what decides compatibility — the C++
// ABI, the standard library and its ABI flags — and never on the compiler's name or version.
#pragma once

#include <string>
#include <string_view>

namespace lrq::host {

// Empty when compatible. Otherwise the first difference, as the plugin against the host, followed
// by both compilers, e.g. "plugin built against libc++, host uses libstdc++ (plugin compiled by
// clang-14.0.6, host by gcc-12.2.0)"; or why the plugin's fingerprint cannot be read.
std::string toolchain_incompatibility(std::string_view plugin, std::string_view host);

}  // namespace lrq::host
