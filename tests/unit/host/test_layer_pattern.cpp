// An override's `match` is an RE2 pattern searched in the layer name: linear in the name, no
// recursion, byte semantics, and a bounded length and compiled size.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "recipe/layer_pattern.hpp"

namespace lrq::host {
namespace {

TEST(LayerPattern, IsSearchedUnanchored) {
  const LayerPattern pattern("blocks\\.1\\.(img|txt)_mlp");
  EXPECT_TRUE(pattern.found_in("double_blocks.1.img_mlp.0"));
  EXPECT_FALSE(pattern.found_in("double_blocks.11.img_mlp.0"));
  EXPECT_TRUE(LayerPattern("^final").found_in("final_layer"));
  EXPECT_FALSE(LayerPattern("^final").found_in("x.final_layer"));
  EXPECT_FALSE(LayerPattern().found_in("anything"));
}

TEST(LayerPattern, MatchesBytesNotCharacters) {
  EXPECT_TRUE(LayerPattern("^.\\.w$").found_in("\xff.w"));       // not UTF-8: one byte, one '.'
  EXPECT_TRUE(LayerPattern("^..\\.w$").found_in("\xc3\xa9.w"));  // é in UTF-8: two bytes
}

TEST(LayerPattern, AMegabyteNameIsNoProblem) {
  const std::string name = std::string(1 << 20, 'x') + "y";
  EXPECT_TRUE(LayerPattern(".*y$").found_in(name));
  EXPECT_TRUE(LayerPattern("(x|xx)*y").found_in(name));
  EXPECT_FALSE(LayerPattern("^(x+x+)+z$").found_in(name));  // catastrophic for a backtracker
}

// Deeper than std::regex could parse without running out of stack (it crashed at 20000 levels).
TEST(LayerPattern, DeepNestingCompilesUpToTheLengthLimit) {
  const std::string nested = std::string(30'000, '(') + "a" + std::string(30'000, ')');
  EXPECT_TRUE(LayerPattern(nested).found_in("xa"));
}

TEST(LayerPattern, WhatRe2DoesNotSupportIsRefusedWithItsReason) {
  const auto reason = [](const std::string& text) -> std::string {
    try {
      LayerPattern{text};
    } catch (const std::invalid_argument& error) {
      return error.what();
    }
    return "accepted";
  };
  EXPECT_EQ(reason("("), "missing ): (");
  EXPECT_EQ(reason("(a)\\1"), "invalid escape sequence: \\1");
  EXPECT_EQ(reason("a(?=b)"), "invalid perl operator: (?=");
  EXPECT_EQ(reason("(a{1000}){1000}"), "invalid repetition size: {1000}");
  std::string large;
  for (int i = 0; i < 300; ++i)
    large += ".{1000}";
  EXPECT_EQ(reason(large), "pattern too large - compile failed");
  EXPECT_EQ(reason(std::string(LayerPattern::kMaxLength + 1, 'a')), "longer than 65536 bytes");
}

}  // namespace
}  // namespace lrq::host
