// The vocabulary shared by formats, optimizers and backends: the grid a weight is rounded to and
// how scales are laid out over a 2-D weight [rows, cols].
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lrq/grid.hpp"
#include "lrq/tensor.hpp"

namespace lrq {

enum class ScaleGranularity {
  tensor,  // one scale
  row,     // one scale per row (output feature)
  block,   // one scale per block_rows x block_cols tile
};

struct ScaleLayout {
  ScaleGranularity granularity = ScaleGranularity::tensor;
  std::int64_t block_rows = 0;  // block granularity only: the tile's height
  std::int64_t block_cols = 0;  // and its width (32 and 16 for MX and NV fp4 blocks along K)

  static constexpr ScaleLayout per_tensor() { return {ScaleGranularity::tensor, 0, 0}; }
  static constexpr ScaleLayout per_row() { return {ScaleGranularity::row, 0, 0}; }
  static constexpr ScaleLayout blocks(std::int64_t rows, std::int64_t cols) {
    return {ScaleGranularity::block, rows, cols};
  }

  // The 2-D grid of scale cells over a [rows, cols] weight: [1, 1], [rows, 1] or
  // [rows / block_rows, cols / block_cols].
  Shape cells(std::int64_t rows, std::int64_t cols) const;
  // Why a [rows, cols] weight does not tile into the blocks; empty when it does.
  std::string tiling_mismatch(std::int64_t rows, std::int64_t cols) const;
  std::string describe() const;  // "per-tensor", "per-row", "per-block 128x128", "per-block 1x32"

  bool operator==(const ScaleLayout&) const = default;
};

// What a format decided for one weight: the grid, and per scale cell the dequantization scale
// (stored in the file; W ~ value * scale) and the quantization multiplier (value = round(W * m)).
// Both are F32 device tensors shaped layout.cells(rows, cols).
struct LayerQuantization {
  Grid grid;
  ScaleLayout layout;
  DeviceTensor scale;
  DeviceTensor multiplier;
  // The scale tensors exactly as the format will write them, when it derives them in prepare()
  // from more than `scale` says (block scale codes with a second-level scale, say): opaque to all
  // but the format's own encode(). Empty for formats that write `scale` itself.
  std::vector<std::vector<std::byte>> stored_scales = {};
};

}  // namespace lrq
