#include "lrq/error.hpp"

namespace lrq {

Error::Error(ErrorCategory category, const std::string& message)
    : std::runtime_error(message), category_(category) {}

Error::~Error() = default;

int exit_code(ErrorCategory category) noexcept {
  switch (category) {
    case ErrorCategory::usage:
      return 2;
    case ErrorCategory::input:
      return 3;
    case ErrorCategory::recipe:
      return 4;
    case ErrorCategory::plugin:
      return 5;
    case ErrorCategory::unsupported:
      return 6;
    case ErrorCategory::io:
      return 7;
    case ErrorCategory::internal:
      return 70;
  }
  return 70;
}

}  // namespace lrq
