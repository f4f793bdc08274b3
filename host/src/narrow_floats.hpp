// float32 values stored as a float tensor's bytes (F32, F16 or BF16), rounded to nearest even.
#pragma once

#include <cstddef>
#include <vector>

#include "lrq/dtype.hpp"

namespace lrq::host {

std::vector<std::byte> narrow_floats(const std::vector<float>& values, DType dtype);

}  // namespace lrq::host
