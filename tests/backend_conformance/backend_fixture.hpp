// Tests parameterized over the backend plugins: each case runs on every backend of
// backend_names() that is found and available on this machine, and is skipped, with the reason,
// on the others.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "backend_plugins.hpp"
#include "lrq/backend.hpp"

namespace lrq::test {

inline std::string backend_test_name(const ::testing::TestParamInfo<std::string>& info) {
  return info.param;
}

class BackendTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    const auto factory = backend_factory(GetParam());
    if (!factory && backend_is_optional(GetParam())) {
      GTEST_SKIP() << GetParam() << " backend not built (no CUDA compiler)";
    }
    ASSERT_NE(factory, nullptr) << "backend plugin '" << GetParam()
                                << "' not found: " << missing_backend_reason(GetParam());
    const Availability availability = factory->probe();
    if (!availability.available) {
      GTEST_SKIP() << GetParam() << " backend unavailable here: " << availability.reason;
    }
    backend_ = factory->create(Options::defaults(factory->schema()));
  }

  Backend& backend() { return *backend_; }

 private:
  std::unique_ptr<Backend> backend_;
};

}  // namespace lrq::test
