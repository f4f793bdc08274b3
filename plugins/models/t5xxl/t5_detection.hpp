// Recognises a T5 encoder (T5-XXL v1.1, the text encoder of Flux and SD3) from its keys.
#pragma once

#include "lrq/model_profile.hpp"

namespace lrq::models {

ProfileMatch detect_t5(const ModelIndex& model);

}  // namespace lrq::models
