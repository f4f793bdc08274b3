#include "backend_test_data.hpp"

#include <cmath>
#include <cstring>

#include "lrq/rng.hpp"

namespace lrq::test {

DeviceTensor upload_floats(Backend& backend, const std::vector<float>& values, const Shape& shape) {
  return backend.upload(TensorView{DType::F32, shape, std::as_bytes(std::span(values))});
}

std::vector<float> download_floats(Backend& backend, const DeviceTensor& tensor) {
  std::vector<float> values(static_cast<std::size_t>(tensor.elements()));
  backend.download(tensor, std::as_writable_bytes(std::span(values)));
  return values;
}

std::vector<std::uint8_t> download_bytes(Backend& backend, const DeviceTensor& tensor) {
  std::vector<std::uint8_t> bytes(tensor.bytes());
  backend.download(tensor, std::as_writable_bytes(std::span(bytes)));
  return bytes;
}

std::vector<float> mixed_magnitudes(std::int64_t rows, std::int64_t cols, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<float> values(static_cast<std::size_t>(rows * cols));
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double sign = rng.uniform() < 0.5 ? -1.0 : 1.0;
    switch (i % 8) {
      case 0:
        values[i] = 0.0f;
        break;
      case 1:  // an integer plus one half: an int8 rounding tie
        values[i] = static_cast<float>(sign * (std::floor(rng.uniform() * 100.0) + 0.5));
        break;
      case 2:  // halfway between two e4m3fn normals: 1.0625 * 2^e
        values[i] =
            static_cast<float>(sign * std::ldexp(1.0625, static_cast<int>(rng.uniform() * 14) - 6));
        break;
      default:
        values[i] = static_cast<float>(sign * std::exp2(rng.uniform() * 23.0 - 14.0));
        break;
    }
  }
  return values;
}

std::int64_t cell_of(const ScaleLayout& layout, std::int64_t row, std::int64_t col,
                     std::int64_t cols) {
  switch (layout.granularity) {
    case ScaleGranularity::tensor:
      return 0;
    case ScaleGranularity::row:
      return row;
    case ScaleGranularity::block:
      return (row / layout.block_rows) * (cols / layout.block_cols) + col / layout.block_cols;
  }
  return 0;
}

}  // namespace lrq::test
