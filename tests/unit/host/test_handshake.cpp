#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "handshake.hpp"
#include "lrq/abi.hpp"

namespace lrq::host {
namespace {

constexpr std::string_view gcc12 =
    "compiler=gcc-12.2.0;cxxabi=itanium;stdlib=libstdc++;cxx11_abi=1;debug_mode=0";
constexpr std::string_view gcc13 =
    "compiler=gcc-13.2.0;cxxabi=itanium;stdlib=libstdc++;cxx11_abi=1;debug_mode=0";
constexpr std::string_view clang14 =
    "compiler=clang-14.0.6;cxxabi=itanium;stdlib=libstdc++;cxx11_abi=1;debug_mode=0";
constexpr std::string_view gcc12_old_string_abi =
    "compiler=gcc-12.2.0;cxxabi=itanium;stdlib=libstdc++;cxx11_abi=0;debug_mode=0";
constexpr std::string_view gcc12_debug_mode =
    "compiler=gcc-12.2.0;cxxabi=itanium;stdlib=libstdc++;cxx11_abi=1;debug_mode=1";
constexpr std::string_view clang14_libcxx =
    "compiler=clang-14.0.6;cxxabi=itanium;stdlib=libc++;libcxx_abi=1";
constexpr std::string_view clang17_libcxx =
    "compiler=clang-17.0.6;cxxabi=itanium;stdlib=libc++;libcxx_abi=1";
constexpr std::string_view clang17_libcxx_abi2 =
    "compiler=clang-17.0.6;cxxabi=itanium;stdlib=libc++;libcxx_abi=2";

struct HandshakeCase {
  std::string name;
  Handshake plugin;
  Handshake host;
  std::string reason;  // empty: compatible
};

Handshake at_abi_0_6(std::string_view toolchain) {
  return {0, 6, toolchain};
}

const HandshakeCase cases[] = {
    {"SameToolchain", at_abi_0_6(gcc12), at_abi_0_6(gcc12), ""},
    {"NewerGccPlugin", at_abi_0_6(gcc13), at_abi_0_6(gcc12), ""},
    {"OlderGccPlugin", at_abi_0_6(gcc12), at_abi_0_6(gcc13), ""},
    {"ClangPluginOnLibstdcxx", at_abi_0_6(clang14), at_abi_0_6(gcc12), ""},
    {"GccPluginOnClangHost", at_abi_0_6(gcc12), at_abi_0_6(clang14), ""},
    {"NewerClangOnLibcxx", at_abi_0_6(clang17_libcxx), at_abi_0_6(clang14_libcxx), ""},
    {"UnknownFieldsAreOnlyRecorded",
     at_abi_0_6("compiler=gcc-12.2.0;cxxabi=itanium;stdlib=libstdc++;cxx11_abi=1;debug_mode=0;"
                "arch=x86_64"),
     at_abi_0_6(gcc12), ""},
    {"OlderMinorAfterTheFirstRelease", {1, 2, gcc12}, {1, 3, gcc12}, ""},

    {"LibcxxPluginOnLibstdcxxHost", at_abi_0_6(clang14_libcxx), at_abi_0_6(gcc12),
     "incompatible toolchain: plugin built against libc++, host uses libstdc++ (plugin compiled "
     "by clang-14.0.6, host by gcc-12.2.0)"},
    {"LibstdcxxPluginOnLibcxxHost", at_abi_0_6(gcc12), at_abi_0_6(clang14_libcxx),
     "incompatible toolchain: plugin built against libstdc++, host uses libc++ (plugin compiled "
     "by gcc-12.2.0, host by clang-14.0.6)"},
    {"PreCxx11StringAbiPlugin", at_abi_0_6(gcc12_old_string_abi), at_abi_0_6(clang14),
     "incompatible toolchain: plugin uses the pre-C++11 std::string ABI "
     "(_GLIBCXX_USE_CXX11_ABI=0), host uses the C++11 std::string ABI (_GLIBCXX_USE_CXX11_ABI=1) "
     "(plugin compiled by gcc-12.2.0, host by clang-14.0.6)"},
    {"Cxx11StringAbiPluginOnPreCxx11Host", at_abi_0_6(gcc13), at_abi_0_6(gcc12_old_string_abi),
     "incompatible toolchain: plugin uses the C++11 std::string ABI (_GLIBCXX_USE_CXX11_ABI=1), "
     "host uses the pre-C++11 std::string ABI (_GLIBCXX_USE_CXX11_ABI=0) (plugin compiled by "
     "gcc-13.2.0, host by gcc-12.2.0)"},
    {"DebugModePlugin", at_abi_0_6(gcc12_debug_mode), at_abi_0_6(gcc12),
     "incompatible toolchain: plugin built with libstdc++'s debug mode (_GLIBCXX_DEBUG), host "
     "without it: the standard containers' layouts differ (plugin compiled by gcc-12.2.0, host by "
     "gcc-12.2.0)"},
    {"PluginWithoutDebugMode", at_abi_0_6(gcc12), at_abi_0_6(gcc12_debug_mode),
     "incompatible toolchain: plugin built without libstdc++'s debug mode (_GLIBCXX_DEBUG), host "
     "with it: the standard containers' layouts differ (plugin compiled by gcc-12.2.0, host by "
     "gcc-12.2.0)"},
    {"OtherLibcxxAbiVersion", at_abi_0_6(clang17_libcxx_abi2), at_abi_0_6(clang14_libcxx),
     "incompatible toolchain: plugin uses libc++ ABI version 2 (_LIBCPP_ABI_VERSION), host uses "
     "version 1 (plugin compiled by clang-17.0.6, host by clang-14.0.6)"},
    {"OtherCxxAbi", at_abi_0_6("compiler=msvc-19.38;cxxabi=msvc;stdlib=msvc-stl"),
     at_abi_0_6(gcc12),
     "incompatible toolchain: plugin uses the C++ ABI 'msvc', host uses the Itanium C++ ABI "
     "(plugin compiled by msvc-19.38, host by gcc-12.2.0)"},
    {"UnknownStandardLibrary", at_abi_0_6("compiler=unknown;cxxabi=itanium;stdlib=unknown"),
     at_abi_0_6(gcc12),
     "incompatible toolchain: plugin built against an unknown standard library, host uses "
     "libstdc++ (plugin compiled by unknown, host by gcc-12.2.0)"},
    {"MissingField", at_abi_0_6("cxxabi=itanium;stdlib=libstdc++;debug_mode=0"), at_abi_0_6(gcc12),
     "incompatible toolchain: the plugin's toolchain fingerprint "
     "'cxxabi=itanium;stdlib=libstdc++;debug_mode=0' has no 'cxx11_abi' (plugin compiled by an "
     "unknown compiler, host by gcc-12.2.0)"},
    {"OldFingerprintFormat", at_abi_0_6("gcc-12;libstdc++;cxx11abi-1;abi-0"), at_abi_0_6(gcc12),
     "incompatible toolchain: the plugin's toolchain fingerprint "
     "'gcc-12;libstdc++;cxx11abi-1;abi-0' is not key=value pairs separated by ';'"},
    {"EmptyFingerprint", at_abi_0_6(""), at_abi_0_6(gcc12),
     "incompatible toolchain: the plugin's toolchain fingerprint '' is not key=value pairs "
     "separated by ';'"},
    {"RepeatedField", at_abi_0_6("stdlib=libc++;stdlib=libstdc++"), at_abi_0_6(gcc12),
     "incompatible toolchain: the plugin's toolchain fingerprint "
     "'stdlib=libc++;stdlib=libstdc++' is not key=value pairs separated by ';'"},
    {"EmptyKey", at_abi_0_6("=gcc;stdlib=libstdc++"), at_abi_0_6(gcc12),
     "incompatible toolchain: the plugin's toolchain fingerprint '=gcc;stdlib=libstdc++' is not "
     "key=value pairs separated by ';'"},

    {"NewerMinor",
     {0, 7, gcc12},
     at_abi_0_6(gcc12),
     "built for lrq ABI 0.7, this host supports 0.6"},
    {"OlderMinorBeforeTheFirstRelease",
     {0, 5, gcc12},
     at_abi_0_6(gcc12),
     "built for lrq ABI 0.5, this host supports 0.6"},
    {"NewerMinorAfterTheFirstRelease",
     {1, 4, gcc12},
     {1, 3, gcc12},
     "built for lrq ABI 1.4, this host supports 1.3"},
    {"OtherMajor",
     {1, 6, gcc12},
     at_abi_0_6(gcc12),
     "built for lrq ABI 1.6, this host supports 0.6"},
    {"AbiVersionIsCheckedFirst",
     {0, 7, clang14_libcxx},
     at_abi_0_6(gcc12),
     "built for lrq ABI 0.7, this host supports 0.6"},
};

class HandshakeTest : public ::testing::TestWithParam<HandshakeCase> {};

TEST_P(HandshakeTest, GivesTheReasonOfTheFirstIncompatibility) {
  EXPECT_EQ(handshake_incompatibility(GetParam().plugin, GetParam().host), GetParam().reason);
}

INSTANTIATE_TEST_SUITE_P(Cases, HandshakeTest, ::testing::ValuesIn(cases),
                         [](const auto& test_case) { return test_case.param.name; });

TEST(Handshake, HostStatesItsAbiVersionAndEveryComparedFieldOfItsStandardLibrary) {
  const Handshake host = host_handshake();
  EXPECT_EQ(host.abi_major, LRQ_ABI_MAJOR);
  EXPECT_EQ(host.abi_minor, LRQ_ABI_MINOR);
  EXPECT_EQ(host.toolchain, host_toolchain_fingerprint());
  EXPECT_EQ(handshake_incompatibility(host, host), "");
  // The host links the distribution's Boost and yaml-cpp, so it uses libstdc++. A plugin whose
  // fingerprint lacks a field that the host's states is rejected.
  for (const std::string_view field : {"cxxabi=", "stdlib=", "cxx11_abi=", "debug_mode="}) {
    EXPECT_NE(host.toolchain.find(field), std::string_view::npos) << field;
  }
  EXPECT_TRUE(host.toolchain.starts_with("compiler=gcc-") ||
              host.toolchain.starts_with("compiler=clang-"))
      << host.toolchain;
}

}  // namespace
}  // namespace lrq::host
