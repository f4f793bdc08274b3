// How MX and NV block scales are stored: the cuBLAS block-scaling ("swizzled") layout that
// ComfyUI's mxfp8 and nvfp4 layouts read, and two 4-bit codes per byte for fp4 weights.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "lrq/tensor.hpp"

namespace lrq::formats {

// The stored shape of a logical [rows, cols] scale matrix: [roundup(rows, 128), roundup(cols, 4)].
Shape swizzled_scale_shape(std::int64_t rows, std::int64_t cols);

// Logical row-major [rows, cols] scale codes to the swizzled layout, padding with code 0: element
// (r, c) goes to ((r / 128) * (padded cols / 4) + c / 4) * 512 + (r % 32) * 16 +
// ((r % 128) / 32) * 4 + c % 4.
std::vector<std::uint8_t> swizzle_scales(std::span<const std::uint8_t> logical, std::int64_t rows,
                                         std::int64_t cols);

// The inverse: the logical [rows, cols] codes from a stored buffer of swizzled_scale_shape.
std::vector<std::uint8_t> unswizzle_scales(std::span<const std::byte> stored, std::int64_t rows,
                                           std::int64_t cols);

// Codes of a [rows, cols] matrix (cols even, low 4 bits each) packed two per byte, element 2j in
// the high nibble and 2j + 1 in the low one: [rows, cols / 2].
std::vector<std::byte> pack_nibbles_high_first(std::span<const std::byte> codes);

// The inverse: one code per byte.
std::vector<std::uint8_t> unpack_nibbles_high_first(std::span<const std::byte> packed);

}  // namespace lrq::formats
