#include <gtest/gtest.h>

#include "real_plugins.hpp"

namespace lrq::test {
namespace {

TEST(RealPlugins, AllLoadWithoutRejections) {
  const host::PluginRegistry& registry = real_plugins();
  for (const host::PluginRejection& rejection : registry.rejections()) {
    ADD_FAILURE() << rejection.path << ": " << rejection.reason;
  }
  using host::PluginKind;
  EXPECT_EQ(registry.names(PluginKind::format), (std::vector<std::string>{"fp8", "int8_block"}));
  EXPECT_EQ(registry.names(PluginKind::optimizer),
            (std::vector<std::string>{"adamw", "original", "radam", "rtn"}));
  EXPECT_EQ(registry.names(PluginKind::model), (std::vector<std::string>{"generic"}));
  EXPECT_EQ(registry.names(PluginKind::backend), (std::vector<std::string>{"cpu"}));
}

}  // namespace
}  // namespace lrq::test
