#include <gtest/gtest.h>

#include <string>

#include "lrq/quoted.hpp"

namespace lrq {
namespace {

TEST(Quoted, EscapesControlBytesDelAndC1Controls) {
  EXPECT_EQ(escaped(std::string("a\x1b[31m\n\r\t\0b", 11)), "a\\x1b[31m\\x0a\\x0d\\x09\\x00b");
  EXPECT_EQ(escaped("\x7f"), "\\x7f");
  EXPECT_EQ(escaped("\xc2\x9b"), "\\xc2\\x9b");  // U+009B, a one-character CSI
}

TEST(Quoted, EscapesBytesThatAreNotUtf8AndKeepsThoseThatAre) {
  EXPECT_EQ(escaped("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x99\x82"),
            "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x99\x82");
  EXPECT_EQ(escaped("\xff"), "\\xff");
  EXPECT_EQ(escaped("\xc3"), "\\xc3");                    // cut short
  EXPECT_EQ(escaped("\xc0\xaf"), "\\xc0\\xaf");           // overlong
  EXPECT_EQ(escaped("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // a surrogate
}

TEST(Quoted, InQuotesQuotesTheEscapedText) {
  EXPECT_EQ(in_quotes("w\n"), "'w\\x0a'");
  EXPECT_EQ(in_quotes(""), "''");
}

}  // namespace
}  // namespace lrq
