#include <gtest/gtest.h>

#include "plugin_naming.hpp"

namespace lrq::host {
namespace {

TEST(PluginFileName, ParsesKindAndName) {
  const auto parsed = parse_plugin_file_name("liblrq-optimizer-learned_2.so");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->kind, PluginKind::optimizer);
  EXPECT_EQ(parsed->name, "learned_2");
  EXPECT_EQ(parse_plugin_file_name("liblrq-model-flux.so")->kind, PluginKind::model);
}

TEST(PluginFileName, RejectsOtherFiles) {
  for (const char* name : {"liblrq-format-fp8.so.1", "lrq-format-fp8.so", "liblrq-format-.so",
                           "liblrq-format-FP8.so", "liblrq-format-fp-8.so", "liblrq-profile-x.so",
                           "liblrq-format.so", "liblrq_core.so", "README.md"}) {
    EXPECT_FALSE(parse_plugin_file_name(name)) << name;
  }
}

TEST(FactoryName, AllowsLowercaseLettersDigitsAndUnderscores) {
  EXPECT_TRUE(is_valid_factory_name("int8_block"));
  EXPECT_TRUE(is_valid_factory_name("fp8"));
  EXPECT_FALSE(is_valid_factory_name(""));
  EXPECT_FALSE(is_valid_factory_name("Bad-Name"));
  EXPECT_FALSE(is_valid_factory_name("a b"));
}

TEST(PluginKind, NamesRoundTrip) {
  for (PluginKind kind :
       {PluginKind::format, PluginKind::optimizer, PluginKind::model, PluginKind::backend}) {
    EXPECT_EQ(kind_from_name(kind_name(kind)), kind);
  }
  EXPECT_FALSE(kind_from_name("profile"));
}

}  // namespace
}  // namespace lrq::host
