#include "pipeline/output_check.hpp"

#include "lrq/safetensors.hpp"

namespace lrq::host {

void check_output_path(const std::filesystem::path& output, const std::filesystem::path& input) {
  // Never committed: its destructor removes the temporary file.
  const SafetensorsWriter probe(output, {}, {}, input);
}

}  // namespace lrq::host
