// The plugin ABI: version numbers and the toolchain fingerprint that the host checks before any
// C++ object crosses the plugin boundary.
#pragma once

#include <cstdint>

// Bump the major on any change to a virtual function or to the layout of a core type that crosses
// the boundary; bump the minor on additions that older plugins need not know about. Before the
// first release (major 0) every change bumps the minor, and the host accepts only its own minor.
#define LRQ_ABI_MAJOR 0
#define LRQ_ABI_MINOR 7

#define LRQ_ABI_STRINGIFY_(x) #x
#define LRQ_ABI_STRINGIFY(x) LRQ_ABI_STRINGIFY_(x)

#if defined(__clang__)
#define LRQ_ABI_COMPILER "clang-" LRQ_ABI_STRINGIFY(__clang_major__)
#elif defined(__GNUC__)
#define LRQ_ABI_COMPILER "gcc-" LRQ_ABI_STRINGIFY(__GNUC__)
#else
#define LRQ_ABI_COMPILER "unknown-compiler"
#endif

#include <ciso646>  // defines the standard-library identification macros below
#if defined(_LIBCPP_VERSION)
#define LRQ_ABI_STDLIB "libc++"
#elif defined(__GLIBCXX__)
#define LRQ_ABI_STDLIB "libstdc++"
#else
#define LRQ_ABI_STDLIB "unknown-stdlib"
#endif

#if defined(_GLIBCXX_USE_CXX11_ABI)
#define LRQ_ABI_CXX11 "cxx11abi-" LRQ_ABI_STRINGIFY(_GLIBCXX_USE_CXX11_ABI)
#else
#define LRQ_ABI_CXX11 "cxx11abi-na"
#endif

// Computed by the compiler that builds the including code: a plugin and the host agree on it only
// when they were built with compatible toolchains.
#define LRQ_TOOLCHAIN_FINGERPRINT \
  LRQ_ABI_COMPILER ";" LRQ_ABI_STDLIB ";" LRQ_ABI_CXX11 ";abi-" LRQ_ABI_STRINGIFY(LRQ_ABI_MAJOR)

namespace lrq {

// The fingerprint of the toolchain that built liblrq_core (and so the host).
const char* host_toolchain_fingerprint() noexcept;

}  // namespace lrq
