// The checks a run makes of its output path before converting, for a dry run to make too.
#pragma once

#include <filesystem>

#include "pipeline/checkpoint.hpp"
#include "pipeline/file_identity.hpp"

namespace lrq::host {

// The input's files (its shards and index) as files that `files` reads.
void add_input_files(CommandFiles& files, const Checkpoint& input);

// Throws lrq::Error (usage) naming both when `output` is one of the input's files (a shard or the
// index of a sharded input included, whatever links lead there), and naming `output` when it is
// not a regular file.
void refuse_overwriting_input(const std::filesystem::path& output, const Checkpoint& input);

// Opens, and removes again, the temporary file the run would write beside `output`: throws
// lrq::Error naming the path when it is a directory (usage), or its directory is missing or not
// writable (i/o), exactly as the run would.
void check_output_path(const std::filesystem::path& output);

}  // namespace lrq::host
