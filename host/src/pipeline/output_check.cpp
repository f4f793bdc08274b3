#include "pipeline/output_check.hpp"

#include "lrq/error.hpp"
#include "lrq/safetensors.hpp"

namespace lrq::host {

void refuse_overwriting_input(const std::filesystem::path& output, const Checkpoint& input) {
  for (const std::filesystem::path& file : input.files()) {
    std::error_code error;
    if (std::filesystem::exists(output, error) &&
        std::filesystem::equivalent(output, file, error)) {
      throw Error(ErrorCategory::usage,
                  output.string() + ": refusing to overwrite the input file " + file.string());
    }
  }
}

void check_output_path(const std::filesystem::path& output) {
  // Never committed: its destructor removes the temporary file.
  const SafetensorsWriter probe(output, {}, {});
}

}  // namespace lrq::host
