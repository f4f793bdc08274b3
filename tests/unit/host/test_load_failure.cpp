#include <string>

#include <gtest/gtest.h>

#include "load_failure.hpp"

namespace lrq::host {
namespace {

TEST(LoadFailure, ExplainsASymbolVersionMissingFromAnOlderLibrary) {
  EXPECT_EQ(load_failure_reason("/usr/lib/x86_64-linux-gnu/libstdc++.so.6: version "
                                "`GLIBCXX_3.4.32' not found (required by /p/liblrq-format-x.so)"),
            "cannot load: /usr/lib/x86_64-linux-gnu/libstdc++.so.6: version `GLIBCXX_3.4.32' not "
            "found (required by /p/liblrq-format-x.so); the plugin was built against a newer "
            "libstdc++.so.6 than the one found here");
}

// What the loader said about the good fixture plugin built by clang against libc++ without
// -Wl,--no-undefined.
TEST(LoadFailure, RecognisesAnUndefinedSymbolOfLibcxx) {
  EXPECT_EQ(load_failure_reason("/p/liblrq-format-good.so: undefined symbol: "
                                "_ZN3lrq5ErrorC1ENS_13ErrorCategoryERKNSt3__112basic_stringIcNS1_"
                                "11char_traitsIcEENS1_9allocatorIcEEEE"),
            "cannot load: /p/liblrq-format-good.so: undefined symbol: "
            "_ZN3lrq5ErrorC1ENS_13ErrorCategoryERKNSt3__112basic_stringIcNS1_11char_traitsIcEENS1_"
            "9allocatorIcEEEE; that is lrq::Error::Error(lrq::ErrorCategory, "
            "std::__1::basic_string<char, lrq::ErrorCategory::char_traits<char>, "
            "lrq::ErrorCategory::allocator<char> > const&), of libc++ (std::__1): the plugin was "
            "built against libc++, this host uses libstdc++");
}

// What the loader said about the good fixture plugin built by gcc with _GLIBCXX_USE_CXX11_ABI=0
// without -Wl,--no-undefined: the host's get_string returns std::string and so is tagged
// [abi:cxx11].
TEST(LoadFailure, RecognisesAnUndefinedSymbolOfLrq) {
  EXPECT_EQ(load_failure_reason("/p/liblrq-format-good.so: undefined symbol: "
                                "_ZNK3lrq7Options10get_stringESt17basic_string_viewIcSt11char_"
                                "traitsIcEE"),
            "cannot load: /p/liblrq-format-good.so: undefined symbol: "
            "_ZNK3lrq7Options10get_stringESt17basic_string_viewIcSt11char_traitsIcEE; that is "
            "lrq::Options::get_string(std::basic_string_view<char, std::char_traits<char> >) "
            "const, which liblrq_core does not define: the plugin was built against other lrq "
            "headers or another std::string ABI (_GLIBCXX_USE_CXX11_ABI) than the host");
}

TEST(LoadFailure, DemanglesOtherUndefinedSymbols) {
  EXPECT_EQ(load_failure_reason("/p/x.so: undefined symbol: _ZN5other3fooEv, version OTHER_1"),
            "cannot load: /p/x.so: undefined symbol: _ZN5other3fooEv, version OTHER_1; that is "
            "other::foo()");
}

TEST(LoadFailure, KeepsOtherMessagesAsTheyAre) {
  for (const char* message :
       {"libcudart.so.12: cannot open shared object file: No such file or directory",
        "/p/x.so: undefined symbol: cuInit", "/p/x.so: version `GLIBCXX_3.4.32' is odd"}) {
    EXPECT_EQ(load_failure_reason(message), std::string("cannot load: ") + message);
  }
}

}  // namespace
}  // namespace lrq::host
