// The vocabulary shared by formats, optimizers and backends: the grid a weight is rounded to and
// how scales are laid out over a 2-D weight [rows, cols].
#pragma once

#include <cstdint>
#include <string>

#include "lrq/tensor.hpp"

namespace lrq {

enum class GridKind {
  e4m3fn,  // float8_e4m3fn values, |v| <= 448
  int8,    // integers, |v| <= 127 (symmetric; -128 is never produced)
};

struct Grid {
  GridKind kind = GridKind::e4m3fn;
  float max_abs = 448.0f;

  static Grid e4m3fn() noexcept { return {GridKind::e4m3fn, 448.0f}; }
  static Grid int8() noexcept { return {GridKind::int8, 127.0f}; }
  DType storage_dtype() const noexcept {
    return kind == GridKind::e4m3fn ? DType::F8_E4M3 : DType::I8;
  }
};

enum class ScaleGranularity {
  tensor,  // one scale
  row,     // one scale per row (output feature)
  block,   // one scale per block x block tile
};

struct ScaleLayout {
  ScaleGranularity granularity = ScaleGranularity::tensor;
  std::int64_t block = 0;  // tile side, block granularity only

  static constexpr ScaleLayout per_tensor() { return {ScaleGranularity::tensor, 0}; }
  static constexpr ScaleLayout per_row() { return {ScaleGranularity::row, 0}; }
  // Square tiles only while the layout has one tile side: cols must equal rows.
  static constexpr ScaleLayout blocks(std::int64_t rows, [[maybe_unused]] std::int64_t cols) {
    return {ScaleGranularity::block, rows};
  }

  // The 2-D grid of scale cells over a [rows, cols] weight: [1, 1], [rows, 1] or
  // [rows / block, cols / block].
  Shape cells(std::int64_t rows, std::int64_t cols) const;
  std::string describe() const;  // "per-tensor", "per-row", "per-block 128x128"
};

// What a format decided for one weight: the grid, and per scale cell the dequantization scale
// (stored in the file; W ~ value * scale) and the quantization multiplier (value = round(W * m)).
// Both are F32 device tensors shaped layout.cells(rows, cols).
struct LayerQuantization {
  Grid grid;
  ScaleLayout layout;
  DeviceTensor scale;
  DeviceTensor multiplier;
};

}  // namespace lrq
