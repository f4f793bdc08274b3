// The argument checks of the backend's operations; a failure is an internal error (a caller's
// bug), as on the cpu backend.
#pragma once

#include <cstdint>
#include <span>

#include "kernels.hpp"
#include "lrq/tensor.hpp"

namespace lrq::cuda {

struct MatrixShape {
  std::int64_t rows = 0;
  std::int64_t cols = 0;
};

// A 2-D F32 tensor.
MatrixShape require_matrix(const DeviceTensor& tensor, const char* operation);
// A square 2-D F32 tensor.
MatrixShape require_square(const DeviceTensor& tensor, const char* operation);
// Each index in [lowest, extent): -1 may stand for "none" in a gather, not in a column map.
void require_indices(std::span<const std::int64_t> indices, std::int64_t lowest,
                     std::int64_t extent, const char* operation);
// F32 scale cells of the tiling's layout (cell_tiling has already checked the layout).
void require_cells(const DeviceTensor& cells, const CellTiling& tiling, const ScaleLayout& layout,
                   const char* operation);
// F32 tensors of one shape.
void require_like(const DeviceTensor& tensor, const DeviceTensor& like, const char* operation);
// Float or I8: what to_f32 converts.
void require_widenable(const DeviceTensor& tensor);

}  // namespace lrq::cuda
