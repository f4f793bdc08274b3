#include "pipeline/output_check.hpp"

#include "lrq/error.hpp"
#include "lrq/safetensors.hpp"

namespace lrq::host {

void add_input_files(CommandFiles& files, const Checkpoint& input) {
  for (const std::filesystem::path& file : input.files())
    files.reads(file, "the input checkpoint");
}

void refuse_overwriting_input(const std::filesystem::path& output, const Checkpoint& input) {
  CommandFiles files;
  add_input_files(files, input);
  files.writes(output, "the output");
  files.check();
}

void check_output_path(const std::filesystem::path& output) {
  // Never committed: its destructor removes the temporary file.
  const SafetensorsWriter probe(output, {}, {});
}

}  // namespace lrq::host
