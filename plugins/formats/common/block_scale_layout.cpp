#include "block_scale_layout.hpp"

namespace lrq::formats {
namespace {

std::int64_t round_up(std::int64_t value, std::int64_t multiple) {
  return (value + multiple - 1) / multiple * multiple;
}

std::size_t swizzled_position(std::int64_t row, std::int64_t col, std::int64_t padded_cols) {
  const std::int64_t tile = (row / 128) * (padded_cols / 4) + col / 4;
  return static_cast<std::size_t>(tile * 512 + (row % 32) * 16 + ((row % 128) / 32) * 4 + col % 4);
}

}  // namespace

Shape swizzled_scale_shape(std::int64_t rows, std::int64_t cols) {
  return {round_up(rows, 128), round_up(cols, 4)};
}

std::vector<std::uint8_t> swizzle_scales(std::span<const std::uint8_t> logical, std::int64_t rows,
                                         std::int64_t cols) {
  const Shape stored = swizzled_scale_shape(rows, cols);
  std::vector<std::uint8_t> swizzled(static_cast<std::size_t>(element_count(stored)), 0);
  for (std::int64_t row = 0; row < rows; ++row) {
    for (std::int64_t col = 0; col < cols; ++col) {
      swizzled[swizzled_position(row, col, stored[1])] =
          logical[static_cast<std::size_t>(row * cols + col)];
    }
  }
  return swizzled;
}

std::vector<std::uint8_t> unswizzle_scales(std::span<const std::byte> stored, std::int64_t rows,
                                           std::int64_t cols) {
  const std::int64_t padded_cols = swizzled_scale_shape(rows, cols)[1];
  std::vector<std::uint8_t> logical(static_cast<std::size_t>(rows * cols));
  for (std::int64_t row = 0; row < rows; ++row) {
    for (std::int64_t col = 0; col < cols; ++col) {
      logical[static_cast<std::size_t>(row * cols + col)] =
          std::to_integer<std::uint8_t>(stored[swizzled_position(row, col, padded_cols)]);
    }
  }
  return logical;
}

std::vector<std::byte> pack_nibbles_high_first(std::span<const std::byte> codes) {
  std::vector<std::byte> packed(codes.size() / 2);
  for (std::size_t i = 0; i < packed.size(); ++i) {
    packed[i] = (codes[2 * i] << 4) | (codes[2 * i + 1] & std::byte{0x0F});
  }
  return packed;
}

std::vector<std::uint8_t> unpack_nibbles_high_first(std::span<const std::byte> packed) {
  std::vector<std::uint8_t> codes(packed.size() * 2);
  for (std::size_t i = 0; i < packed.size(); ++i) {
    const auto byte = std::to_integer<std::uint8_t>(packed[i]);
    codes[2 * i] = static_cast<std::uint8_t>(byte >> 4);
    codes[2 * i + 1] = static_cast<std::uint8_t>(byte & 0x0F);
  }
  return codes;
}

}  // namespace lrq::formats
