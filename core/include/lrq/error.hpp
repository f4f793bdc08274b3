// The one exception type of lrq: a category (which maps to the exit code) and a message that names
// the file, key or field at fault.
#pragma once

#include <stdexcept>
#include <string>

namespace lrq {

enum class ErrorCategory {
  usage,        // bad command line
  input,        // a malformed or unusable input file
  recipe,       // an invalid recipe
  plugin,       // a plugin could not be loaded, or failed during a call
  unsupported,  // a valid request that the chosen plugins cannot serve
  io,           // reading or writing failed (permissions, full disk, ...)
  internal,     // a bug
};

class Error : public std::runtime_error {
 public:
  Error(ErrorCategory category, const std::string& message);
  ~Error() override;

  ErrorCategory category() const noexcept { return category_; }

 private:
  ErrorCategory category_;
};

// Distinct, stable process exit codes: 2 usage, 3 input, 4 recipe, 5 plugin, 6 unsupported, 7 io,
// 70 internal.
int exit_code(ErrorCategory category) noexcept;

}  // namespace lrq
