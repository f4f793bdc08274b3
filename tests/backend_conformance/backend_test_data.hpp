// Moving float vectors in and out of a backend, and the data the backend tests run on.
#pragma once

#include <cstdint>
#include <vector>

#include "lrq/backend.hpp"

namespace lrq::test {

DeviceTensor upload_floats(Backend& backend, const std::vector<float>& values, const Shape& shape);
std::vector<float> download_floats(Backend& backend, const DeviceTensor& tensor);
std::vector<std::uint8_t> download_bytes(Backend& backend, const DeviceTensor& tensor);

// rows x cols values spanning many binades (2^-14 .. 2^9, both signs), with zeros and exact
// rounding ties of both grids mixed in; the same for a given seed.
std::vector<float> mixed_magnitudes(std::int64_t rows, std::int64_t cols, std::uint64_t seed);

// The index of the scale cell that holds element (row, col) of a matrix with `cols` columns.
std::int64_t cell_of(const ScaleLayout& layout, std::int64_t row, std::int64_t col,
                     std::int64_t cols);

}  // namespace lrq::test
