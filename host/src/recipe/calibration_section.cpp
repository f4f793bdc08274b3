#include "recipe/calibration_section.hpp"

#include <set>

#include "recipe/suggest.hpp"

namespace lrq::host {
namespace {

MissingStatistics missing_policy(const std::string& text, const Location& where) {
  if (text == "error") return MissingStatistics::error;
  if (text == "rtn") return MissingStatistics::rtn;
  YamlReader::fail(where, "calibration.missing must be error or rtn, got '" + text + "'");
}

void assign(CalibrationSettings& calibration, const std::string& key, std::filesystem::path path,
            const std::string& text, const Location& where) {
  if (key == "stats") {
    calibration.stats = std::move(path);
    calibration.stats_location = where;
  } else if (key == "holdout") {
    calibration.holdout = std::move(path);
    calibration.holdout_location = where;
  } else if (key == "missing") {
    calibration.missing = missing_policy(text, where);
  } else {
    YamlReader::fail(where, "unknown key 'calibration." + key + "'" +
                                did_you_mean(key, calibration_keys()) +
                                "; calibration keys: " + join(calibration_keys()));
  }
}

}  // namespace

const std::vector<std::string>& calibration_keys() {
  static const std::vector<std::string> keys = {"stats", "missing", "holdout"};
  return keys;
}

CalibrationSettings parse_calibration(const YamlReader& yaml, const YAML::Node& key,
                                      const YAML::Node& section) {
  if (!section.IsMap()) {
    YamlReader::fail(yaml.at(key), "'calibration' is a map of " + join(calibration_keys()) +
                                       ", got " + YamlReader::kind_of(section));
  }
  CalibrationSettings calibration;
  std::set<std::string> seen;
  for (const auto& entry : section) {
    const std::string name = yaml.key_of(entry.first, seen, "calibration");
    const Location where = yaml.at(entry.first);
    const std::string text = YamlReader::scalar(entry.second, "calibration." + name, where);
    std::filesystem::path path = text;
    if (path.is_relative()) path = (yaml.source().parent_path() / path).lexically_normal();
    assign(calibration, name, std::move(path), text, where);
  }
  return calibration;
}

void set_calibration(CalibrationSettings& calibration, const std::string& key,
                     const std::string& value, const Location& where) {
  assign(calibration, key, value, value, where);
}

}  // namespace lrq::host
