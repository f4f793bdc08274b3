// The recipe's `calibration:` section: `stats` and `holdout` (paths to activation statistics
// files, relative to the recipe) and `missing` (error or rtn). `--set calibration.KEY=VALUE`
// changes one of them from the command line.
#pragma once

#include <string>
#include <vector>

#include "recipe/yaml_reader.hpp"

namespace lrq::host {

const std::vector<std::string>& calibration_keys();

CalibrationSettings parse_calibration(const YamlReader& yaml, const YAML::Node& key,
                                      const YAML::Node& section);

// --set calibration.KEY=VALUE; a path is relative to the working directory.
void set_calibration(CalibrationSettings& calibration, const std::string& key,
                     const std::string& value, const Location& where);

}  // namespace lrq::host
