// Recognises Hunyuan Video 1.5 from its keys (Tencent's names, as the reference's list uses).
#pragma once

#include "lrq/model_profile.hpp"

namespace lrq::models {

ProfileMatch detect_hunyuan(const ModelIndex& model);

}  // namespace lrq::models
