#include "cuda_backend_base.hpp"

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <string>

#include "cuda_check.hpp"
#include "cuda_resources.hpp"
#include "dense_solver.hpp"
#include "device_context.hpp"
#include "device_tables.hpp"
#include "kernels.hpp"
#include "lrq/error.hpp"
#include "tensor_checks.hpp"
#include "transfers.hpp"

namespace lrq::cuda {
namespace {

int checked_device(int device) {
  int count = 0;
  LRQ_CUDA_CHECK(cudaGetDeviceCount(&count));
  if (device < 0 || device >= count) {
    throw Error(ErrorCategory::unsupported, "cuda backend: CUDA device " + std::to_string(device) +
                                                " requested; this machine has " +
                                                std::to_string(count));
  }
  return device;
}

std::string device_name(int device) {
  cudaDeviceProp properties{};
  LRQ_CUDA_CHECK(cudaGetDeviceProperties(&properties, device));
  return properties.name;
}

template <class T>
T* data_of(const DeviceTensor& tensor) noexcept {
  return static_cast<T*>(tensor.data);
}

}  // namespace

struct CudaBackendBase::State {
  State(std::string backend_name, const CudaBackendOptions& backend_options)
      : name(std::move(backend_name)),
        options(backend_options),
        context(DeviceContext::create(checked_device(options.device))),
        device(device_name(options.device)),
        tables(*context),
        uploader(*context) {}

  ~State() {
    // The staging buffers and tables go before the context: nothing may still be using them.
    cudaStreamSynchronize(context->transfer());
    cudaStreamSynchronize(context->compute());
  }

  DeviceContext& enter() {
    make_current(options.device);
    return *context;
  }

  DeviceTensor allocate(DType dtype, const Shape& shape) {
    return context->allocate(dtype, shape, context->compute());
  }

  void wait_for(const DeviceTensor& tensor) {
    context->uploads().wait(tensor.data, context->compute());
  }

  // Copies device memory to the host once the compute stream has reached this point.
  template <class T>
  void read(const DeviceTensor& tensor, T* values) {
    download_to_host(tensor.data,
                     std::as_writable_bytes(std::span(values, tensor.bytes() / sizeof(T))),
                     context->compute());
  }

  // Sum of a * b over all elements, in double, read back.
  double sum_of_products(const DeviceTensor& a, const DeviceTensor& b) {
    const cudaStream_t stream = enter().compute();
    wait_for(a);
    wait_for(b);
    const CellTiling tiling = cell_tiling(1, a.elements(), ScaleLayout::per_tensor());
    DeviceTensor partials = allocate(DType::F64, {2 * tiling.tiles});
    DeviceTensor sums = allocate(DType::F64, {2});
    cuda::sum_of_products(static_cast<const float*>(a.data), static_cast<const float*>(b.data),
                          a.elements(), data_of<double>(partials), data_of<double>(sums), stream);
    double host_sums[2] = {0.0, 0.0};
    read(sums, host_sums);
    return host_sums[0];
  }

  // A host index list on the device (empty: none), ready for the compute stream.
  DeviceTensor indices(std::span<const std::int64_t> values) {
    if (values.empty()) return {};
    DeviceTensor tensor = uploader.upload(
        TensorView{DType::I64, {static_cast<std::int64_t>(values.size())}, std::as_bytes(values)});
    wait_for(tensor);
    return tensor;
  }

  DenseSolver& solver() {
    if (!dense_solver) dense_solver = std::make_unique<DenseSolver>(*context);
    return *dense_solver;
  }

  std::string name;
  CudaBackendOptions options;
  std::shared_ptr<DeviceContext> context;
  std::string device;
  DeviceTables tables;
  Uploader uploader;
  std::unique_ptr<DenseSolver> dense_solver;  // made on first use: cusolverDnCreate is slow
};

CudaBackendBase::CudaBackendBase(std::string name, const CudaBackendOptions& options)
    : state_(std::make_unique<State>(std::move(name), options)) {}

CudaBackendBase::~CudaBackendBase() = default;

BackendInfo CudaBackendBase::info() const {
  return {state_->name, state_->device, state_->context->peak_bytes()};
}

void CudaBackendBase::synchronize() {
  DeviceContext& context = state_->enter();
  LRQ_CUDA_CHECK(cudaStreamSynchronize(context.transfer()));
  LRQ_CUDA_CHECK(cudaStreamSynchronize(context.compute()));
}

DeviceTensor CudaBackendBase::upload(const TensorView& host) {
  state_->enter();
  return state_->uploader.upload(host);
}

void CudaBackendBase::download(const DeviceTensor& tensor, std::span<std::byte> host) {
  if (host.size() != tensor.bytes()) {
    throw Error(ErrorCategory::internal,
                "cuda backend: download of a " + std::to_string(tensor.bytes()) +
                    "-byte tensor into a buffer of " + std::to_string(host.size()) + " bytes");
  }
  DeviceContext& context = state_->enter();
  state_->wait_for(tensor);
  download_to_host(tensor.data, host, context.compute());
}

DeviceTensor CudaBackendBase::to_f32(const DeviceTensor& tensor) {
  require_widenable(tensor);
  DeviceContext& context = state_->enter();
  state_->wait_for(tensor);
  DeviceTensor result = state_->allocate(DType::F32, tensor.shape);
  if (tensor.dtype == DType::F32) {
    if (result.bytes() > 0) {
      LRQ_CUDA_CHECK(cudaMemcpyAsync(result.data, tensor.data, result.bytes(),
                                     cudaMemcpyDeviceToDevice, context.compute()));
    }
  } else {
    widen(tensor.dtype, tensor.data, data_of<float>(result), tensor.elements(),
          state_->tables.tables(), context.compute());
  }
  return result;
}

DeviceTensor CudaBackendBase::absmax(const DeviceTensor& x, const ScaleLayout& layout) {
  const MatrixShape shape = require_matrix(x, "absmax");
  const CellTiling tiling = cell_tiling(shape.rows, shape.cols, layout);
  DeviceContext& context = state_->enter();
  state_->wait_for(x);
  DeviceTensor cells = state_->allocate(DType::F32, layout.cells(shape.rows, shape.cols));
  cuda::absmax(data_of<const float>(x), tiling, data_of<float>(cells), context.compute());
  return cells;
}

DeviceTensor CudaBackendBase::quantize(const DeviceTensor& x, const DeviceTensor& multiplier,
                                       const ScaleLayout& layout, const Grid& grid) {
  const MatrixShape shape = require_matrix(x, "quantize");
  const CellTiling tiling = cell_tiling(shape.rows, shape.cols, layout);
  require_cells(multiplier, tiling, layout, "quantize");
  DeviceContext& context = state_->enter();
  state_->wait_for(x);
  state_->wait_for(multiplier);
  DeviceTensor values = state_->allocate(DType::F32, x.shape);
  cuda::quantize(data_of<const float>(x), data_of<const float>(multiplier), tiling, grid,
                 data_of<float>(values), context.compute());
  return values;
}

DeviceTensor CudaBackendBase::encode(const DeviceTensor& grid_values, const Grid& grid) {
  require_matrix(grid_values, "encode");
  DeviceContext& context = state_->enter();
  state_->wait_for(grid_values);
  DeviceTensor codes = state_->allocate(grid.storage_dtype(), grid_values.shape);
  DeviceTensor counter = state_->allocate(DType::U64, {1});
  cuda::encode(data_of<const float>(grid_values), grid_values.elements(), grid,
               data_of<std::uint8_t>(codes), data_of<unsigned long long>(counter),
               context.compute());
  unsigned long long off_grid = 0;
  state_->read(counter, &off_grid);
  if (off_grid > 0) {
    throw Error(ErrorCategory::internal, "cuda backend: encode got " + std::to_string(off_grid) +
                                             " values that are not on the " + grid.name() +
                                             " grid");
  }
  return codes;
}

DeviceTensor CudaBackendBase::decode(const DeviceTensor& codes, const Grid& grid) {
  if (itemsize(codes.dtype) != 1) {
    throw Error(ErrorCategory::internal, "cuda backend: decode of " +
                                             std::string(safetensors_name(codes.dtype)) +
                                             " codes; codes are one byte each");
  }
  DeviceContext& context = state_->enter();
  state_->wait_for(codes);
  DeviceTensor values = state_->allocate(DType::F32, codes.shape);
  cuda::decode(data_of<const std::uint8_t>(codes), codes.elements(), grid, data_of<float>(values),
               context.compute());
  return values;
}

DeviceTensor CudaBackendBase::dequantize(const DeviceTensor& values, const DeviceTensor& scale,
                                         const ScaleLayout& layout) {
  const MatrixShape shape = require_matrix(values, "dequantize");
  const CellTiling tiling = cell_tiling(shape.rows, shape.cols, layout);
  require_cells(scale, tiling, layout, "dequantize");
  DeviceContext& context = state_->enter();
  state_->wait_for(values);
  state_->wait_for(scale);
  DeviceTensor weight = state_->allocate(DType::F32, values.shape);
  cuda::dequantize(data_of<const float>(values), data_of<const float>(scale), tiling,
                   data_of<float>(weight), context.compute());
  return weight;
}

ErrorNorms CudaBackendBase::quantization_error(const DeviceTensor& reference,
                                               const DeviceTensor& values,
                                               const DeviceTensor& scale,
                                               const ScaleLayout& layout) {
  const MatrixShape shape = require_matrix(reference, "quantization_error");
  require_like(values, reference, "quantization_error");
  const CellTiling tiling = cell_tiling(shape.rows, shape.cols, layout);
  require_cells(scale, tiling, layout, "quantization_error");
  DeviceContext& context = state_->enter();
  state_->wait_for(reference);
  state_->wait_for(values);
  state_->wait_for(scale);
  DeviceTensor partials = state_->allocate(DType::F64, {2 * tiling.tiles});
  DeviceTensor sums = state_->allocate(DType::F64, {2});
  quantization_error_sums(data_of<const float>(reference), data_of<const float>(values),
                          data_of<const float>(scale), tiling, data_of<double>(partials),
                          data_of<double>(sums), context.compute());
  double host_sums[2] = {0.0, 0.0};
  state_->read(sums, host_sums);
  return {std::sqrt(host_sums[0]), std::sqrt(host_sums[1])};
}

DeviceTensor CudaBackendBase::zeros(const Shape& shape) {
  DeviceContext& context = state_->enter();
  DeviceTensor tensor = state_->allocate(DType::F32, shape);
  if (tensor.bytes() > 0) {
    LRQ_CUDA_CHECK(cudaMemsetAsync(tensor.data, 0, tensor.bytes(), context.compute()));
  }
  return tensor;
}

QrFactors CudaBackendBase::qr(const DeviceTensor& a) {
  const MatrixShape shape = require_matrix(a, "qr");
  if (shape.rows < shape.cols) {
    throw Error(ErrorCategory::internal,
                "cuda backend: qr of a wide matrix " + shape_to_string(a.shape));
  }
  state_->enter();
  state_->wait_for(a);
  return state_->solver().qr(a);
}

SvdFactors CudaBackendBase::svd(const DeviceTensor& a) {
  const MatrixShape shape = require_matrix(a, "svd");
  if (shape.rows != shape.cols) {
    throw Error(ErrorCategory::internal,
                "cuda backend: svd of a non-square matrix " + shape_to_string(a.shape));
  }
  state_->enter();
  state_->wait_for(a);
  return state_->solver().svd(a);
}

SymmetricEigen CudaBackendBase::symmetric_eigen(const DeviceTensor& a) {
  require_square(a, "symmetric_eigen");
  state_->enter();
  state_->wait_for(a);
  return state_->solver().symmetric_eigen(a);
}

void CudaBackendBase::axpby(float alpha, const DeviceTensor& x, float beta, DeviceTensor& y) {
  require_like(y, x, "axpby");
  DeviceContext& context = state_->enter();
  state_->wait_for(x);
  state_->wait_for(y);
  cuda::axpby(alpha, data_of<const float>(x), beta, data_of<float>(y), x.elements(),
              context.compute());
}

double CudaBackendBase::sum_of_squares(const DeviceTensor& x) {
  if (x.dtype != DType::F32) {
    throw Error(ErrorCategory::internal, "cuda backend: sum_of_squares of a " +
                                             std::string(safetensors_name(x.dtype)) + " tensor");
  }
  return state_->sum_of_products(x, x);
}

double CudaBackendBase::dot(const DeviceTensor& a, const DeviceTensor& b) {
  require_like(b, a, "dot");
  return state_->sum_of_products(a, b);
}

void CudaBackendBase::moment_step(const MomentStep& step, const DeviceTensor& gradient,
                                  DeviceTensor& parameter, DeviceTensor& first_moment,
                                  DeviceTensor& second_moment) {
  require_like(parameter, gradient, "moment_step");
  require_like(first_moment, gradient, "moment_step");
  require_like(second_moment, gradient, "moment_step");
  DeviceContext& context = state_->enter();
  state_->wait_for(gradient);
  state_->wait_for(parameter);
  state_->wait_for(first_moment);
  state_->wait_for(second_moment);
  const MomentStepScalars scalars{step.beta1, step.beta2,         step.decay,
                                  step.step,  step.sqrt_v_factor, step.epsilon};
  cuda::moment_step(scalars, data_of<const float>(gradient), data_of<float>(parameter),
                    data_of<float>(first_moment), data_of<float>(second_moment),
                    gradient.elements(), context.compute());
}

DeviceTensor CudaBackendBase::gather(const DeviceTensor& a, std::span<const std::int64_t> rows,
                                     std::span<const std::int64_t> cols) {
  const MatrixShape shape = require_matrix(a, "gather");
  require_indices(rows, -1, shape.rows, "gather");
  require_indices(cols, -1, shape.cols, "gather");
  DeviceContext& context = state_->enter();
  state_->wait_for(a);
  const DeviceTensor row_index = state_->indices(rows);
  const DeviceTensor col_index = state_->indices(cols);
  const std::int64_t out_rows = rows.empty() ? shape.rows : static_cast<std::int64_t>(rows.size());
  const std::int64_t out_cols = cols.empty() ? shape.cols : static_cast<std::int64_t>(cols.size());
  DeviceTensor result = state_->allocate(DType::F32, {out_rows, out_cols});
  cuda::gather(data_of<const float>(a), shape.cols, data_of<const std::int64_t>(row_index),
               data_of<const std::int64_t>(col_index), out_rows, out_cols, data_of<float>(result),
               context.compute());
  return result;
}

void CudaBackendBase::add_diagonal(DeviceTensor& a, const DeviceTensor& d) {
  const MatrixShape shape = require_square(a, "add_diagonal");
  if (d.dtype != DType::F32 || d.shape != Shape{shape.rows}) {
    throw Error(ErrorCategory::internal, "cuda backend: add_diagonal of " +
                                             shape_to_string(d.shape) + " to " +
                                             shape_to_string(a.shape));
  }
  DeviceContext& context = state_->enter();
  state_->wait_for(a);
  state_->wait_for(d);
  cuda::add_diagonal(data_of<float>(a), data_of<const float>(d), shape.rows, context.compute());
}

CholeskyFactor CudaBackendBase::cholesky(const DeviceTensor& a) {
  require_square(a, "cholesky");
  state_->enter();
  state_->wait_for(a);
  return state_->solver().cholesky(a);
}

DeviceTensor CudaBackendBase::lower_triangular_inverse(const DeviceTensor& lower) {
  require_square(lower, "lower_triangular_inverse");
  state_->enter();
  state_->wait_for(lower);
  return state_->solver().lower_triangular_inverse(lower);
}

DeviceTensor CudaBackendBase::solve_lower_transposed(const DeviceTensor& y,
                                                     const DeviceTensor& lower) {
  const MatrixShape shape = require_matrix(y, "solve_lower_transposed");
  if (require_square(lower, "solve_lower_transposed").rows != shape.cols) {
    throw Error(ErrorCategory::internal, "cuda backend: solve_lower_transposed of " +
                                             shape_to_string(y.shape) + " by " +
                                             shape_to_string(lower.shape));
  }
  state_->enter();
  state_->wait_for(y);
  state_->wait_for(lower);
  return state_->solver().solve_lower_transposed(y, lower);
}

DeviceTensor CudaBackendBase::round_with_feedback(DeviceTensor& w, const DeviceTensor& u,
                                                  const LayerQuantization& quantization,
                                                  const FeedbackRounding& step,
                                                  DeviceTensor& values) {
  const MatrixShape shape = require_matrix(w, "round_with_feedback");
  const MatrixShape block = require_square(u, "round_with_feedback");
  require_like(values, w, "round_with_feedback");
  const CellTiling tiling = cell_tiling(shape.rows, shape.cols, quantization.layout);
  require_cells(quantization.multiplier, tiling, quantization.layout, "round_with_feedback");
  require_cells(quantization.scale, tiling, quantization.layout, "round_with_feedback");
  if (step.first < 0 || step.first + block.rows > shape.cols ||
      (!step.columns.empty() && static_cast<std::int64_t>(step.columns.size()) != shape.cols)) {
    throw Error(ErrorCategory::internal,
                "cuda backend: round_with_feedback of columns " + std::to_string(step.first) +
                    " + " + std::to_string(block.rows) + " of " + shape_to_string(w.shape) +
                    " with " + std::to_string(step.columns.size()) + " column indices");
  }
  require_indices(step.columns, 0, shape.cols, "round_with_feedback");
  DeviceContext& context = state_->enter();
  for (const DeviceTensor* tensor : std::initializer_list<const DeviceTensor*>{
           &w, &u, &values, &quantization.multiplier, &quantization.scale}) {
    state_->wait_for(*tensor);
  }
  const DeviceTensor columns = state_->indices(step.columns);
  DeviceTensor errors = state_->allocate(DType::F32, {shape.rows, block.rows});
  cuda::round_with_feedback(
      {data_of<float>(w), shape.rows, shape.cols, step.first, data_of<const std::int64_t>(columns),
       data_of<const float>(u), block.rows, data_of<const float>(quantization.multiplier),
       data_of<const float>(quantization.scale), quantization.layout, quantization.grid,
       data_of<float>(values), data_of<float>(errors)},
      context.compute());
  return errors;
}

cudaStream_t CudaBackendBase::compute_stream() const noexcept {
  return state_->context->compute();
}

bool CudaBackendBase::allow_tf32() const noexcept {
  return state_->options.allow_tf32;
}

DeviceTensor CudaBackendBase::allocate(DType dtype, const Shape& shape) {
  state_->enter();
  return state_->allocate(dtype, shape);
}

void CudaBackendBase::wait_for_upload(const DeviceTensor& tensor) {
  state_->enter();
  state_->wait_for(tensor);
}

}  // namespace lrq::cuda
