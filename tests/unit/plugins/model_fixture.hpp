// Key-list fixtures (tests/fixtures/models/<name>.txt): every tensor of a published model by name,
// dtype and shape, without weights. One line per tensor, `<key> <DTYPE> <d0,d1,...>` (`-` for a
// scalar); lines starting with `#` are comments.
#pragma once

#include <string>

#include "lrq/model_profile.hpp"

namespace lrq::test {

ModelIndex load_model_fixture(const std::string& name);

}  // namespace lrq::test
