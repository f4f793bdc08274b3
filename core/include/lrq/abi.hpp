// The plugin ABI: version numbers and the toolchain fingerprint that the host checks before any
// C++ object crosses the plugin boundary.
#pragma once

#include <cstdint>
#include <version>  // defines the standard library's identification macros used below

// Bump the major on any change to a virtual function or to the layout of a core type that crosses
// the boundary; bump the minor on additions that older plugins need not know about. Before the
// first release (major 0) every change bumps the minor, and the host accepts only its own minor.
#define LRQ_ABI_MAJOR 0
#define LRQ_ABI_MINOR 11

#define LRQ_ABI_STRINGIFY_(x) #x
#define LRQ_ABI_STRINGIFY(x) LRQ_ABI_STRINGIFY_(x)

// The toolchain fingerprint is "key=value" pairs separated by ';'. The host compares only what
// decides whether C++ objects can cross between code built by the two toolchains:
//   cxxabi      the C++ ABI: "itanium", which gcc and clang both implement (__GXX_ABI_VERSION;
//               its number, 1002 for clang and 1017 for gcc 12, is not what decides);
//   stdlib      the standard library: "libstdc++" or "libc++";
//   cxx11_abi   libstdc++ only: _GLIBCXX_USE_CXX11_ABI, which picks std::string's and std::list's
//               layout (0: the pre-C++11 one, 1: the C++11 one);
//   debug_mode  libstdc++ only: 1 with _GLIBCXX_DEBUG, which changes the containers' layout;
//   libcxx_abi  libc++ only: _LIBCPP_ABI_VERSION.
// The compiler and its version ("compiler") are recorded for messages, never compared: gcc 12,
// gcc 13 and clang on the same libstdc++ interoperate. A plugin built against a newer libstdc++
// than the host runs with fails earlier, when the dynamic loader finds a GLIBCXX_ symbol version
// missing. The host reads the machine a plugin is built for from its ELF header.

#define LRQ_ABI_DOTTED(major, minor, patch) \
  LRQ_ABI_STRINGIFY(major) "." LRQ_ABI_STRINGIFY(minor) "." LRQ_ABI_STRINGIFY(patch)

#if defined(__clang__)
#define LRQ_ABI_COMPILER \
  "clang-" LRQ_ABI_DOTTED(__clang_major__, __clang_minor__, __clang_patchlevel__)
#elif defined(__GNUC__)
#define LRQ_ABI_COMPILER "gcc-" LRQ_ABI_DOTTED(__GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__)
#else
#define LRQ_ABI_COMPILER "unknown"
#endif

#if defined(__GXX_ABI_VERSION)
#define LRQ_ABI_CXXABI "itanium"
#else
#define LRQ_ABI_CXXABI "unknown"
#endif

#if defined(_LIBCPP_VERSION)
#define LRQ_ABI_STDLIB "libc++;libcxx_abi=" LRQ_ABI_STRINGIFY(_LIBCPP_ABI_VERSION)
#elif defined(__GLIBCXX__)
#if defined(_GLIBCXX_DEBUG)
#define LRQ_ABI_DEBUG_MODE "1"
#else
#define LRQ_ABI_DEBUG_MODE "0"
#endif
#define LRQ_ABI_CXX11_ABI LRQ_ABI_STRINGIFY(_GLIBCXX_USE_CXX11_ABI)
#define LRQ_ABI_STDLIB "libstdc++;cxx11_abi=" LRQ_ABI_CXX11_ABI ";debug_mode=" LRQ_ABI_DEBUG_MODE
#else
#define LRQ_ABI_STDLIB "unknown"
#endif

// Computed by the compiler that builds the including code, e.g.
// "compiler=gcc-12.2.0;cxxabi=itanium;stdlib=libstdc++;cxx11_abi=1;debug_mode=0".
#define LRQ_TOOLCHAIN_FINGERPRINT \
  "compiler=" LRQ_ABI_COMPILER ";cxxabi=" LRQ_ABI_CXXABI ";stdlib=" LRQ_ABI_STDLIB

namespace lrq {

// The fingerprint of the toolchain that built liblrq_core (and so the host).
const char* host_toolchain_fingerprint() noexcept;

}  // namespace lrq
