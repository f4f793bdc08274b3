// The staging directories of lrq-host run (staged_files.hpp): `<file>.lrq-tmp-<pid>` beside the
// file being written, named after it and the writing process. Only a run killed outright (kill -9,
// a crash, a power cut) leaves one behind; the next run that writes the same file removes it once
// its process is gone.
#pragma once

#include <filesystem>
#include <string_view>

namespace lrq::host {

inline constexpr std::string_view kStagingMarker = ".lrq-tmp-";

// `<directory of target>/<name of target>.lrq-tmp-<this process's id>`.
std::filesystem::path staging_directory_for(const std::filesystem::path& target);

// Removes the staging directories of `target` left by processes that no longer run (this process
// counts as one: it has not made its own yet), with a warning naming each. Those of a running
// process, another run writing the same file, are left alone.
void remove_stale_staging(const std::filesystem::path& target);

}  // namespace lrq::host
