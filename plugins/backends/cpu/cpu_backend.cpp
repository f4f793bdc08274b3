#include "cpu_backend.hpp"

#include <omp.h>

#include <cstring>

#include "cpu_kernels.hpp"
#include "host_memory.hpp"
#include "lrq/error.hpp"

namespace lrq::cpu {
namespace {

MatrixShape matrix_shape(const DeviceTensor& tensor, const char* operation) {
  if (tensor.shape.size() != 2 || tensor.dtype != DType::F32) {
    throw Error(ErrorCategory::internal, std::string("cpu backend: ") + operation +
                                             " needs a 2-D F32 tensor, got " +
                                             std::string(safetensors_name(tensor.dtype)) + " " +
                                             shape_to_string(tensor.shape));
  }
  return {tensor.shape[0], tensor.shape[1]};
}

void require_cells(const DeviceTensor& cells, MatrixShape shape, const ScaleLayout& layout,
                   const char* operation) {
  if (cells.dtype != DType::F32 || cells.shape != layout.cells(shape.rows, shape.cols)) {
    throw Error(ErrorCategory::internal, std::string("cpu backend: ") + operation +
                                             " needs F32 scale cells shaped " +
                                             shape_to_string(layout.cells(shape.rows, shape.cols)) +
                                             ", got " + shape_to_string(cells.shape));
  }
}

}  // namespace

namespace {

constexpr std::size_t kBufferCacheBytes = std::size_t{512} << 20;

}  // namespace

CpuBackend::CpuBackend(int threads)
    : threads_(threads > 0 ? threads : omp_get_num_procs()),
      pool_(HostBufferPool::create(kBufferCacheBytes)) {}

BackendInfo CpuBackend::info() const {
  return {"cpu", "host CPU, " + std::to_string(threads_) + " threads"};
}

DeviceTensor CpuBackend::upload(const TensorView& host) {
  DeviceTensor tensor = allocate(host.dtype, host.shape);
  if (host.bytes.size() != tensor.bytes()) {
    throw Error(ErrorCategory::internal,
                "cpu backend: upload of " + std::to_string(host.bytes.size()) +
                    " bytes for a tensor of " + std::to_string(tensor.bytes()) + " bytes");
  }
  std::memcpy(tensor.data, host.bytes.data(), host.bytes.size());
  return tensor;
}

void CpuBackend::download(const DeviceTensor& tensor, std::span<std::byte> host) {
  if (host.size() != tensor.bytes()) {
    throw Error(ErrorCategory::internal, "cpu backend: download into a buffer of the wrong size");
  }
  std::memcpy(host.data(), tensor.data, host.size());
}

DeviceTensor CpuBackend::to_f32(const DeviceTensor& tensor) {
  if (!can_widen_to_f32(tensor.dtype)) {
    throw Error(ErrorCategory::internal, "cpu backend: to_f32 of a " +
                                             std::string(safetensors_name(tensor.dtype)) +
                                             " tensor; only float and I8 tensors convert");
  }
  DeviceTensor result = allocate(DType::F32, tensor.shape);
  widen_to_f32_parallel(tensor.dtype, data_of<const std::byte>(tensor), data_of<float>(result),
                        static_cast<std::size_t>(tensor.elements()), threads_);
  return result;
}

DeviceTensor CpuBackend::absmax(const DeviceTensor& x, const ScaleLayout& layout) {
  const MatrixShape shape = matrix_shape(x, "absmax");
  DeviceTensor cells = allocate(DType::F32, layout.cells(shape.rows, shape.cols));
  absmax_cells(data_of<const float>(x), shape, layout, data_of<float>(cells), threads_);
  return cells;
}

DeviceTensor CpuBackend::quantize(const DeviceTensor& x, const DeviceTensor& multiplier,
                                  const ScaleLayout& layout, const Grid& grid) {
  const MatrixShape shape = matrix_shape(x, "quantize");
  require_cells(multiplier, shape, layout, "quantize");
  DeviceTensor values = allocate(DType::F32, x.shape);
  quantize_to_grid(data_of<const float>(x), shape, data_of<const float>(multiplier), layout, grid,
                   data_of<float>(values), threads_);
  return values;
}

DeviceTensor CpuBackend::encode(const DeviceTensor& grid_values, const Grid& grid) {
  matrix_shape(grid_values, "encode");
  DeviceTensor codes = allocate(grid.storage_dtype(), grid_values.shape);
  const std::int64_t off_grid = encode_grid_values(data_of<const float>(grid_values),
                                                   static_cast<std::size_t>(grid_values.elements()),
                                                   grid, data_of<std::byte>(codes), threads_);
  if (off_grid > 0) {
    throw Error(ErrorCategory::internal,
                "cpu backend: encode got " + std::to_string(off_grid) +
                    " values that are not on the " +
                    (grid.kind == GridKind::e4m3fn ? "float8_e4m3fn" : "int8") + " grid");
  }
  return codes;
}

DeviceTensor CpuBackend::dequantize(const DeviceTensor& values, const DeviceTensor& scale,
                                    const ScaleLayout& layout) {
  const MatrixShape shape = matrix_shape(values, "dequantize");
  require_cells(scale, shape, layout, "dequantize");
  DeviceTensor weight = allocate(DType::F32, values.shape);
  dequantize_values(data_of<const float>(values), shape, data_of<const float>(scale), layout,
                    data_of<float>(weight), threads_);
  return weight;
}

ErrorNorms CpuBackend::quantization_error(const DeviceTensor& reference, const DeviceTensor& values,
                                          const DeviceTensor& scale, const ScaleLayout& layout) {
  const MatrixShape shape = matrix_shape(reference, "quantization_error");
  if (values.shape != reference.shape || values.dtype != DType::F32) {
    throw Error(ErrorCategory::internal,
                "cpu backend: quantization_error needs values shaped like the reference");
  }
  require_cells(scale, shape, layout, "quantization_error");
  return quantization_error_of(data_of<const float>(reference), data_of<const float>(values), shape,
                               data_of<const float>(scale), layout, threads_);
}

std::string CpuBackendFactory::description() const {
  return "Host CPU: multi-threaded (OpenMP) quantization and reductions";
}

OptionsSchema CpuBackendFactory::schema() const {
  OptionsSchema schema;
  schema.add(OptionSpec::integer("threads", 0, "worker threads; 0 uses every core", 0, 4096));
  return schema;
}

std::unique_ptr<Backend> CpuBackendFactory::create(const Options& options) const {
  return std::make_unique<CpuBackend>(static_cast<int>(options.get_int("threads")));
}

}  // namespace lrq::cpu
