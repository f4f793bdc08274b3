#include "narrow_floats.hpp"

#include <cstdint>
#include <cstring>

#include "lrq/float_convert.hpp"

namespace lrq::host {

std::vector<std::byte> narrow_floats(const std::vector<float>& values, DType dtype) {
  std::vector<std::byte> bytes(values.size() * itemsize(dtype));
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (dtype == DType::F32) {
      std::memcpy(bytes.data() + 4 * i, &values[i], 4);
    } else {
      const std::uint16_t bits =
          dtype == DType::BF16 ? f32_to_bf16(values[i]) : f32_to_f16(values[i]);
      std::memcpy(bytes.data() + 2 * i, &bits, 2);
    }
  }
  return bytes;
}

}  // namespace lrq::host
