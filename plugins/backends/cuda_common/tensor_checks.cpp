#include "tensor_checks.hpp"

#include <string>

#include "lrq/error.hpp"

namespace lrq::cuda {
namespace {

std::string dtype_name(DType dtype) {
  return std::string(safetensors_name(dtype));
}

}  // namespace

MatrixShape require_matrix(const DeviceTensor& tensor, const char* operation) {
  if (tensor.shape.size() != 2 || tensor.dtype != DType::F32) {
    throw Error(ErrorCategory::internal,
                std::string("cuda backend: ") + operation + " needs a 2-D F32 tensor, got " +
                    dtype_name(tensor.dtype) + " " + shape_to_string(tensor.shape));
  }
  return {tensor.shape[0], tensor.shape[1]};
}

MatrixShape require_square(const DeviceTensor& tensor, const char* operation) {
  const MatrixShape shape = require_matrix(tensor, operation);
  if (shape.rows != shape.cols) {
    throw Error(ErrorCategory::internal, std::string("cuda backend: ") + operation +
                                             " of a non-square matrix " +
                                             shape_to_string(tensor.shape));
  }
  return shape;
}

void require_indices(std::span<const std::int64_t> indices, std::int64_t lowest,
                     std::int64_t extent, const char* operation) {
  for (const std::int64_t index : indices) {
    if (index < lowest || index >= extent) {
      throw Error(ErrorCategory::internal,
                  std::string("cuda backend: ") + operation + " index " + std::to_string(index) +
                      " outside [" + std::to_string(lowest) + ", " + std::to_string(extent) + ")");
    }
  }
}

void require_cells(const DeviceTensor& cells, const CellTiling& tiling, const ScaleLayout& layout,
                   const char* operation) {
  const Shape expected = layout.cells(tiling.rows, tiling.cols);
  if (cells.dtype != DType::F32 || cells.shape != expected) {
    throw Error(ErrorCategory::internal,
                std::string("cuda backend: ") + operation + " needs F32 scale cells shaped " +
                    shape_to_string(expected) + ", got " + dtype_name(cells.dtype) + " " +
                    shape_to_string(cells.shape));
  }
}

void require_like(const DeviceTensor& tensor, const DeviceTensor& like, const char* operation) {
  if (tensor.dtype != DType::F32 || like.dtype != DType::F32 || tensor.shape != like.shape) {
    throw Error(ErrorCategory::internal, std::string("cuda backend: ") + operation +
                                             " needs F32 tensors of one shape, got " +
                                             shape_to_string(like.shape) + " and " +
                                             shape_to_string(tensor.shape));
  }
}

void require_widenable(const DeviceTensor& tensor) {
  switch (tensor.dtype) {
    case DType::F64:
    case DType::F32:
    case DType::F16:
    case DType::BF16:
    case DType::F8_E4M3:
    case DType::F8_E5M2:
    case DType::I8:
      return;
    default:
      throw Error(ErrorCategory::internal, "cuda backend: to_f32 of a " + dtype_name(tensor.dtype) +
                                               " tensor; only float and I8 tensors convert");
  }
}

}  // namespace lrq::cuda
