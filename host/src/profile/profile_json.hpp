// A conversion profile as JSON: the report's "profile" entry, and the file that
// `lrq-host run --profile-json` writes for `lrq-host bench` to read.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>

#include "profile/conversion_profile.hpp"

namespace lrq::host {

nlohmann::ordered_json profile_json(const ConversionProfile& profile);

// Throws lrq::Error (io) naming the file when it is missing or not a profile.
ConversionProfile read_profile_file(const std::filesystem::path& path);

}  // namespace lrq::host
