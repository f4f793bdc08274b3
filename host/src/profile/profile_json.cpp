#include "profile/profile_json.hpp"

#include "lrq/error.hpp"
#include "pipeline/json_document.hpp"
#include "pipeline/json_file.hpp"

namespace lrq::host {
namespace {

constexpr Stage stage_at(std::size_t index) {
  return static_cast<Stage>(index);
}

}  // namespace

nlohmann::ordered_json profile_json(const ConversionProfile& profile) {
  nlohmann::ordered_json stages = nlohmann::ordered_json::object();
  for (std::size_t i = 0; i < kStageCount; ++i) {
    stages[std::string(stage_name(stage_at(i)))] = {{"seconds", profile.stages.seconds[i]},
                                                    {"share", profile.share(stage_at(i))},
                                                    {"gemm_flops", profile.stages.gemm_flops[i]}};
  }
  return {{"backend", profile.backend},
          {"device", profile.device},
          {"wall_seconds", profile.wall_seconds},
          {"stages", std::move(stages)},
          {"gemm_flops", profile.gemm_flops()},
          {"svd_optimize_tflops", profile.rounding_tflops()},
          {"peak_rss_bytes", profile.peak_rss_bytes},
          {"peak_device_bytes", profile.peak_device_bytes}};
}

nlohmann::ordered_json profile_document(const ConversionProfile& profile) {
  Json json = json_document("profile");
  json.update(profile_json(profile));
  return json;
}

ConversionProfile read_profile_file(const std::filesystem::path& path) {
  const nlohmann::json json = read_json_file(path);
  try {
    if (json.at("kind") != "profile" || json.at("schema_version") != kJsonSchemaVersion) {
      throw Error(ErrorCategory::io, path.string() + ": not a conversion profile of schema " +
                                         std::to_string(kJsonSchemaVersion));
    }
    ConversionProfile profile;
    profile.backend = json.at("backend").get<std::string>();
    profile.device = json.at("device").get<std::string>();
    profile.wall_seconds = json.at("wall_seconds").get<double>();
    for (std::size_t i = 0; i < kStageCount; ++i) {
      const nlohmann::json& stage = json.at("stages").at(std::string(stage_name(stage_at(i))));
      profile.stages.seconds[i] = stage.at("seconds").get<double>();
      profile.stages.gemm_flops[i] = stage.at("gemm_flops").get<double>();
    }
    profile.peak_rss_bytes = json.at("peak_rss_bytes").get<std::uint64_t>();
    profile.peak_device_bytes = json.at("peak_device_bytes").get<std::uint64_t>();
    return profile;
  } catch (const nlohmann::json::exception& error) {
    throw Error(ErrorCategory::io, path.string() + ": not a conversion profile: " + error.what());
  }
}

}  // namespace lrq::host
