// A conversion profile as JSON: the report's "profile" entry, and the document (kind "profile")
// that `lrq-host run --profile-json` writes for `lrq-host bench` to read.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>

#include "profile/conversion_profile.hpp"

namespace lrq::host {

// {"backend", "device", "wall_seconds", "stages", "gemm_flops", "svd_optimize_tflops",
// "peak_rss_bytes", "peak_device_bytes"}.
nlohmann::ordered_json profile_json(const ConversionProfile& profile);

// The same under the document envelope (json_document), as --profile-json writes it.
nlohmann::ordered_json profile_document(const ConversionProfile& profile);

// Throws lrq::Error (io) naming the file when it is missing or not a profile document of this
// schema version.
ConversionProfile read_profile_file(const std::filesystem::path& path);

}  // namespace lrq::host
