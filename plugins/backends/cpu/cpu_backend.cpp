#include "cpu_backend.hpp"

#include <omp.h>

#include <algorithm>
#include <cstring>

#include "cpu_cholesky.hpp"
#include "cpu_elementwise.hpp"
#include "cpu_gemm.hpp"
#include "cpu_indexing.hpp"
#include "cpu_kernels.hpp"
#include "cpu_qr.hpp"
#include "cpu_svd.hpp"
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

void require_like(const DeviceTensor& tensor, const DeviceTensor& like, const char* operation) {
  if (tensor.dtype != DType::F32 || like.dtype != DType::F32 || tensor.shape != like.shape) {
    throw Error(ErrorCategory::internal,
                std::string("cpu backend: ") + operation + " needs F32 tensors of one shape, got " +
                    shape_to_string(like.shape) + " and " + shape_to_string(tensor.shape));
  }
}

MatrixShape square_matrix(const DeviceTensor& tensor, const char* operation) {
  const MatrixShape shape = matrix_shape(tensor, operation);
  if (shape.rows != shape.cols) {
    throw Error(ErrorCategory::internal, std::string("cpu backend: ") + operation +
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
                  std::string("cpu backend: ") + operation + " index " + std::to_string(index) +
                      " outside [" + std::to_string(lowest) + ", " + std::to_string(extent) + ")");
    }
  }
}

std::string describe(MatrixShape shape) {
  return shape_to_string({shape.rows, shape.cols});
}

std::size_t element_count_of(const DeviceTensor& tensor) {
  return static_cast<std::size_t>(tensor.elements());
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
    throw Error(ErrorCategory::internal, "cpu backend: encode got " + std::to_string(off_grid) +
                                             " values that are not on the " + grid.name() +
                                             " grid");
  }
  return codes;
}

DeviceTensor CpuBackend::decode(const DeviceTensor& codes, const Grid& grid) {
  if (itemsize(codes.dtype) != 1) {
    throw Error(ErrorCategory::internal, "cpu backend: decode of " +
                                             std::string(safetensors_name(codes.dtype)) +
                                             " codes; codes are one byte each");
  }
  DeviceTensor values = allocate(DType::F32, codes.shape);
  decode_grid_codes(data_of<const std::byte>(codes), static_cast<std::size_t>(codes.elements()),
                    grid, data_of<float>(values), threads_);
  return values;
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

DeviceTensor CpuBackend::zeros(const Shape& shape) {
  if (std::any_of(shape.begin(), shape.end(), [](std::int64_t size) { return size < 0; })) {
    throw Error(ErrorCategory::internal, "cpu backend: zeros of shape " + shape_to_string(shape));
  }
  DeviceTensor tensor = allocate(DType::F32, shape);
  fill_zeros(data_of<float>(tensor), element_count_of(tensor), threads_);
  return tensor;
}

void CpuBackend::gemm(float alpha, const DeviceTensor& a, Transpose transpose_a,
                      const DeviceTensor& b, Transpose transpose_b, float beta, DeviceTensor& c) {
  const GemmOperand lhs{data_of<const float>(a), matrix_shape(a, "gemm"),
                        transpose_a == Transpose::yes};
  const GemmOperand rhs{data_of<const float>(b), matrix_shape(b, "gemm"),
                        transpose_b == Transpose::yes};
  const MatrixShape result = matrix_shape(c, "gemm");
  if (lhs.used().cols != rhs.used().rows || result.rows != lhs.used().rows ||
      result.cols != rhs.used().cols) {
    throw Error(ErrorCategory::internal, "cpu backend: gemm of op(a) " + describe(lhs.used()) +
                                             " and op(b) " + describe(rhs.used()) + " into c " +
                                             describe(result));
  }
  if (c.data == a.data || c.data == b.data) {
    throw Error(ErrorCategory::internal, "cpu backend: gemm's c is one of its operands");
  }
  gemm_f32(alpha, lhs, rhs, beta, data_of<float>(c), threads_);
}

QrFactors CpuBackend::qr(const DeviceTensor& a) {
  const MatrixShape shape = matrix_shape(a, "qr");
  if (shape.rows < shape.cols) {
    throw Error(ErrorCategory::internal, "cpu backend: qr of a wide matrix " + describe(shape));
  }
  QrFactors factors{allocate(DType::F32, a.shape), allocate(DType::F32, {shape.cols, shape.cols})};
  householder_qr(data_of<const float>(a), shape, data_of<float>(factors.q),
                 data_of<float>(factors.r), threads_);
  return factors;
}

SvdFactors CpuBackend::svd(const DeviceTensor& a) {
  const MatrixShape shape = matrix_shape(a, "svd");
  if (shape.rows != shape.cols) {
    throw Error(ErrorCategory::internal,
                "cpu backend: svd of a non-square matrix " + describe(shape));
  }
  SvdFactors factors{allocate(DType::F32, a.shape), allocate(DType::F32, {shape.rows}),
                     allocate(DType::F32, a.shape)};
  square_svd(data_of<const float>(a), shape.rows, data_of<float>(factors.u),
             data_of<float>(factors.singular_values), data_of<float>(factors.v));
  return factors;
}

SymmetricEigen CpuBackend::symmetric_eigen(const DeviceTensor& a) {
  const MatrixShape shape = square_matrix(a, "symmetric_eigen");
  SymmetricEigen eigen{allocate(DType::F32, {shape.rows}), allocate(DType::F32, a.shape)};
  lrq::cpu::symmetric_eigen(data_of<const float>(a), shape.rows, data_of<float>(eigen.values),
                            data_of<float>(eigen.vectors));
  return eigen;
}

void CpuBackend::axpby(float alpha, const DeviceTensor& x, float beta, DeviceTensor& y) {
  require_like(y, x, "axpby");
  axpby_f32(alpha, data_of<const float>(x), beta, data_of<float>(y), element_count_of(x), threads_);
}

double CpuBackend::sum_of_squares(const DeviceTensor& x) {
  if (x.dtype != DType::F32) {
    throw Error(ErrorCategory::internal, "cpu backend: sum_of_squares of a " +
                                             std::string(safetensors_name(x.dtype)) + " tensor");
  }
  return sum_of_squares_f32(data_of<const float>(x), element_count_of(x), threads_);
}

void CpuBackend::moment_step(const MomentStep& step, const DeviceTensor& gradient,
                             DeviceTensor& parameter, DeviceTensor& first_moment,
                             DeviceTensor& second_moment) {
  require_like(parameter, gradient, "moment_step");
  require_like(first_moment, gradient, "moment_step");
  require_like(second_moment, gradient, "moment_step");
  moment_step_f32(step, data_of<const float>(gradient), data_of<float>(parameter),
                  data_of<float>(first_moment), data_of<float>(second_moment),
                  element_count_of(gradient), threads_);
}

double CpuBackend::dot(const DeviceTensor& a, const DeviceTensor& b) {
  require_like(b, a, "dot");
  return dot_f32(data_of<const float>(a), data_of<const float>(b), element_count_of(a), threads_);
}

DeviceTensor CpuBackend::gather(const DeviceTensor& a, std::span<const std::int64_t> rows,
                                std::span<const std::int64_t> cols) {
  const MatrixShape shape = matrix_shape(a, "gather");
  require_indices(rows, -1, shape.rows, "gather");
  require_indices(cols, -1, shape.cols, "gather");
  DeviceTensor result =
      allocate(DType::F32, {rows.empty() ? shape.rows : static_cast<std::int64_t>(rows.size()),
                            cols.empty() ? shape.cols : static_cast<std::int64_t>(cols.size())});
  gather_f32(data_of<const float>(a), shape, rows, cols, data_of<float>(result), threads_);
  return result;
}

void CpuBackend::add_diagonal(DeviceTensor& a, const DeviceTensor& d) {
  const MatrixShape shape = square_matrix(a, "add_diagonal");
  if (d.dtype != DType::F32 || d.shape != Shape{shape.rows}) {
    throw Error(ErrorCategory::internal, "cpu backend: add_diagonal of " +
                                             shape_to_string(d.shape) + " to " +
                                             shape_to_string(a.shape));
  }
  add_diagonal_f32(data_of<float>(a), shape.rows, data_of<const float>(d));
}

CholeskyFactor CpuBackend::cholesky(const DeviceTensor& a) {
  const MatrixShape shape = square_matrix(a, "cholesky");
  CholeskyFactor result{allocate(DType::F32, a.shape), false, {}};
  result.positive_definite =
      cholesky_lower(data_of<const float>(a), shape.rows, data_of<float>(result.factor));
  const float* factor = data_of<const float>(result.factor);
  for (std::int64_t i = 0; i < shape.rows; ++i)
    result.diagonal.push_back(factor[i * shape.rows + i]);
  return result;
}

DeviceTensor CpuBackend::lower_triangular_inverse(const DeviceTensor& lower) {
  const MatrixShape shape = square_matrix(lower, "lower_triangular_inverse");
  DeviceTensor inverse = allocate(DType::F32, lower.shape);
  invert_lower_triangular(data_of<const float>(lower), shape.rows, data_of<float>(inverse),
                          threads_);
  return inverse;
}

DeviceTensor CpuBackend::solve_lower_transposed(const DeviceTensor& y, const DeviceTensor& lower) {
  const MatrixShape shape = matrix_shape(y, "solve_lower_transposed");
  const MatrixShape triangle = square_matrix(lower, "solve_lower_transposed");
  if (triangle.rows != shape.cols) {
    throw Error(ErrorCategory::internal, "cpu backend: solve_lower_transposed of " +
                                             describe(shape) + " by " + describe(triangle));
  }
  DeviceTensor x = allocate(DType::F32, y.shape);
  cpu::solve_lower_transposed(data_of<const float>(y), shape.rows, data_of<const float>(lower),
                              triangle.rows, data_of<float>(x), threads_);
  return x;
}

DeviceTensor CpuBackend::round_with_feedback(DeviceTensor& w, const DeviceTensor& u,
                                             const LayerQuantization& quantization,
                                             const FeedbackRounding& step, DeviceTensor& values) {
  const MatrixShape shape = matrix_shape(w, "round_with_feedback");
  const MatrixShape block = square_matrix(u, "round_with_feedback");
  require_like(values, w, "round_with_feedback");
  require_cells(quantization.multiplier, shape, quantization.layout, "round_with_feedback");
  require_cells(quantization.scale, shape, quantization.layout, "round_with_feedback");
  if (step.first < 0 || step.first + block.rows > shape.cols ||
      (!step.columns.empty() && static_cast<std::int64_t>(step.columns.size()) != shape.cols)) {
    throw Error(ErrorCategory::internal,
                "cpu backend: round_with_feedback of columns " + std::to_string(step.first) +
                    " + " + std::to_string(block.rows) + " of " + describe(shape) + " with " +
                    std::to_string(step.columns.size()) + " column indices");
  }
  require_indices(step.columns, 0, shape.cols, "round_with_feedback");
  DeviceTensor errors = allocate(DType::F32, {shape.rows, block.rows});
  round_with_feedback_f32(
      {data_of<float>(w), data_of<const float>(u), block.rows,
       data_of<const float>(quantization.multiplier), data_of<const float>(quantization.scale),
       data_of<float>(values), data_of<float>(errors)},
      shape, quantization.layout, quantization.grid, step, threads_);
  return errors;
}

std::string CpuBackendFactory::description() const {
  return "Host CPU: multi-threaded (OpenMP) quantization, reductions and linear algebra (Eigen)";
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
