// Tests parameterized over the backend plugins: each case runs on every backend of
// backend_names() that is built and available on this machine, and is skipped, with the reason,
// on the others.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "lrq/backend.hpp"
#include "real_plugins.hpp"

namespace lrq::test {

// cpu is always built; the CUDA backends only where a CUDA compiler was found.
inline std::vector<std::string> backend_names() {
  return {"cpu", "cuda", "cublaslt"};
}

inline bool backend_is_optional(const std::string& name) {
  return name != "cpu";
}

inline std::string backend_test_name(const ::testing::TestParamInfo<std::string>& info) {
  return info.param;
}

class BackendTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    const auto factory = real_plugins().backend(GetParam());
    if (!factory && backend_is_optional(GetParam())) {
      GTEST_SKIP() << GetParam() << " backend not built (no CUDA compiler)";
    }
    ASSERT_NE(factory, nullptr) << "backend plugin '" << GetParam() << "' not built";
    const Availability availability = factory->probe();
    if (!availability.available) {
      GTEST_SKIP() << GetParam() << " backend unavailable here: " << availability.reason;
    }
    backend_ = make_backend(GetParam());
  }

  Backend& backend() { return *backend_; }

 private:
  std::unique_ptr<Backend> backend_;
};

}  // namespace lrq::test
