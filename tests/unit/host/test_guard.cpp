#include <memory>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "guard.hpp"
#include "lrq/error.hpp"
#include "running_plugin.hpp"
#include "unit/host/caught_error.hpp"

namespace lrq::host {
namespace {

const LoadedLibrary fake_library{"/plugins/liblrq-format-fake.so", "fake", "1.0", "", 0, 1, "", {}};

// The error that guarded_call turns `thrown` into.
template <class Exception>
Error converted(Exception thrown) {
  return test::caught_error([&] { guarded_call(fake_library, [&]() -> int { throw thrown; }); });
}

// The crash and exit handlers (pipeline/interrupt_cleanup.hpp) name the plugin from this.
TEST(GuardedCall, MarksTheThreadAsInsideThePluginUntilTheCallEnds) {
  const LoadedLibrary backend{"/plugins/liblrq-backend-fake.so", "fake", "1.0", "", 0, 1, "", {}};
  EXPECT_EQ(running_plugin(), nullptr);
  guarded_call(fake_library, [&] {
    EXPECT_EQ(running_plugin(), &fake_library);
    guarded_call(backend, [&] { EXPECT_EQ(running_plugin(), &backend); });
    EXPECT_EQ(running_plugin(), &fake_library);
    EXPECT_THROW(guarded_call(backend, []() -> int { throw std::runtime_error("x"); }), Error);
    EXPECT_EQ(running_plugin(), &fake_library);
  });
  EXPECT_EQ(running_plugin(), nullptr);
}

TEST(GuardedCall, ReturnsTheResult) {
  EXPECT_EQ(guarded_call(fake_library, [] { return 42; }), 42);
  EXPECT_EQ(guarded_call(fake_library, [] { return std::string("text"); }), "text");
}

TEST(GuardedCall, AttributesAStandardExceptionToThePlugin) {
  const Error error = converted(std::out_of_range("index 7"));
  EXPECT_EQ(error.category(), ErrorCategory::plugin);
  EXPECT_STREQ(error.what(), "plugin 'fake' (/plugins/liblrq-format-fake.so): index 7");
}

TEST(GuardedCall, AttributesANonStandardThrowToThePlugin) {
  const Error error = converted(3.5);
  EXPECT_EQ(error.category(), ErrorCategory::plugin);
  EXPECT_STREQ(error.what(),
               "plugin 'fake' (/plugins/liblrq-format-fake.so): threw a non-standard exception");
}

TEST(GuardedCall, AttributesPluginAndInternalErrorsKeepingTheirCategory) {
  for (ErrorCategory category : {ErrorCategory::plugin, ErrorCategory::internal}) {
    const Error error = converted(Error(category, "broken"));
    EXPECT_EQ(error.category(), category);
    EXPECT_STREQ(error.what(), "plugin 'fake' (/plugins/liblrq-format-fake.so): broken");
  }
}

TEST(GuardedCall, PassesTheUsersErrorsThroughUnchanged) {
  for (ErrorCategory category : {ErrorCategory::usage, ErrorCategory::input, ErrorCategory::recipe,
                                 ErrorCategory::unsupported, ErrorCategory::io}) {
    const Error error = converted(Error(category, "block_size: expected one of 64, 128"));
    EXPECT_EQ(error.category(), category);
    EXPECT_STREQ(error.what(), "block_size: expected one of 64, 128");
  }
}

TEST(Pinned, KeepsTheLibraryAndTheOriginalOwnerAlive) {
  auto library = std::make_shared<const LoadedLibrary>(fake_library);
  auto memory = std::make_shared<int>(5);
  std::weak_ptr<const LoadedLibrary> weak_library = library;
  std::weak_ptr<int> weak_memory = memory;

  DeviceTensor tensor{DType::I32, {1}, memory.get(), memory};
  memory.reset();
  tensor = pinned(std::move(tensor), std::move(library));

  EXPECT_FALSE(weak_library.expired());
  EXPECT_FALSE(weak_memory.expired());
  EXPECT_EQ(*static_cast<int*>(tensor.data), 5);
  tensor.owner.reset();
  EXPECT_TRUE(weak_library.expired());
  EXPECT_TRUE(weak_memory.expired());
}

}  // namespace
}  // namespace lrq::host
