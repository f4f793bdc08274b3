// Recognises Flux.1 (dev and schnell) from its keys.
#pragma once

#include "lrq/model_profile.hpp"

namespace lrq::models {

ProfileMatch detect_flux(const ModelIndex& model);

}  // namespace lrq::models
