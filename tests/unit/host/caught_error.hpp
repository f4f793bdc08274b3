// Runs a call that should throw an lrq::Error and hands back the error for inspection.
#pragma once

#include <gtest/gtest.h>

#include "lrq/error.hpp"

namespace lrq::test {

// The lrq::Error that `call` throws; records a test failure when it throws none.
template <class Call>
Error caught_error(Call&& call) {
  try {
    call();
  } catch (const Error& error) {
    return error;
  }
  ADD_FAILURE() << "no lrq::Error was thrown";
  return Error(ErrorCategory::internal, "nothing was thrown");
}

}  // namespace lrq::test
