// What `lrq-host run --profile` prints after the summary: where the time went, stage by stage.
#pragma once

#include <ostream>
#include <string>

#include "profile/conversion_profile.hpp"

namespace lrq::host {

// "bias correction" for Stage::bias_correction.
std::string stage_title(Stage stage);

void print_profile(const ConversionProfile& profile, std::ostream& out);

}  // namespace lrq::host
