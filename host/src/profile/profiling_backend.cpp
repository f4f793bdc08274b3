#include "profile/profiling_backend.hpp"

#include "lrq/stages.hpp"

namespace lrq::host {
namespace {

// Rows of op(x), or its columns.
std::int64_t rows_of(const DeviceTensor& x, Transpose transpose) {
  return x.shape.at(transpose == Transpose::yes ? 1 : 0);
}
std::int64_t cols_of(const DeviceTensor& x, Transpose transpose) {
  return x.shape.at(transpose == Transpose::yes ? 0 : 1);
}

}  // namespace

// Not synchronized: uploads come from the prefetch thread, and synchronize() belongs to the
// thread that does everything else. The time is what the caller waits for.
DeviceTensor ProfilingBackend::upload(const TensorView& host) {
  const StageScope stage(Stage::upload);
  return backend_.upload(host);
}

void ProfilingBackend::download(const DeviceTensor& tensor, std::span<std::byte> host) {
  const StageScope stage(Stage::download);
  backend_.download(tensor, host);
}

DeviceTensor ProfilingBackend::to_f32(const DeviceTensor& tensor) {
  return finished(backend_.to_f32(tensor));
}

DeviceTensor ProfilingBackend::absmax(const DeviceTensor& x, const ScaleLayout& layout) {
  return finished(backend_.absmax(x, layout));
}

DeviceTensor ProfilingBackend::quantize(const DeviceTensor& x, const DeviceTensor& multiplier,
                                        const ScaleLayout& layout, const Grid& grid) {
  return finished(backend_.quantize(x, multiplier, layout, grid));
}

DeviceTensor ProfilingBackend::encode(const DeviceTensor& grid_values, const Grid& grid) {
  return finished(backend_.encode(grid_values, grid));
}

DeviceTensor ProfilingBackend::decode(const DeviceTensor& codes, const Grid& grid) {
  return finished(backend_.decode(codes, grid));
}

DeviceTensor ProfilingBackend::dequantize(const DeviceTensor& values, const DeviceTensor& scale,
                                          const ScaleLayout& layout) {
  return finished(backend_.dequantize(values, scale, layout));
}

ErrorNorms ProfilingBackend::quantization_error(const DeviceTensor& reference,
                                                const DeviceTensor& values,
                                                const DeviceTensor& scale,
                                                const ScaleLayout& layout) {
  return finished(backend_.quantization_error(reference, values, scale, layout));
}

DeviceTensor ProfilingBackend::zeros(const Shape& shape) {
  return finished(backend_.zeros(shape));
}

void ProfilingBackend::gemm(float alpha, const DeviceTensor& a, Transpose transpose_a,
                            const DeviceTensor& b, Transpose transpose_b, float beta,
                            DeviceTensor& c) {
  backend_.gemm(alpha, a, transpose_a, b, transpose_b, beta, c);
  backend_.synchronize();
  count_gemm_flops(2.0 * static_cast<double>(rows_of(a, transpose_a)) *
                   static_cast<double>(cols_of(b, transpose_b)) *
                   static_cast<double>(cols_of(a, transpose_a)));
}

QrFactors ProfilingBackend::qr(const DeviceTensor& a) {
  return finished(backend_.qr(a));
}

SvdFactors ProfilingBackend::svd(const DeviceTensor& a) {
  return finished(backend_.svd(a));
}

SymmetricEigen ProfilingBackend::symmetric_eigen(const DeviceTensor& a) {
  return finished(backend_.symmetric_eigen(a));
}

void ProfilingBackend::axpby(float alpha, const DeviceTensor& x, float beta, DeviceTensor& y) {
  backend_.axpby(alpha, x, beta, y);
  backend_.synchronize();
}

double ProfilingBackend::sum_of_squares(const DeviceTensor& x) {
  return finished(backend_.sum_of_squares(x));
}

void ProfilingBackend::moment_step(const MomentStep& step, const DeviceTensor& gradient,
                                   DeviceTensor& parameter, DeviceTensor& first_moment,
                                   DeviceTensor& second_moment) {
  backend_.moment_step(step, gradient, parameter, first_moment, second_moment);
  backend_.synchronize();
}

double ProfilingBackend::dot(const DeviceTensor& a, const DeviceTensor& b) {
  return finished(backend_.dot(a, b));
}

DeviceTensor ProfilingBackend::gather(const DeviceTensor& a, std::span<const std::int64_t> rows,
                                      std::span<const std::int64_t> cols) {
  return finished(backend_.gather(a, rows, cols));
}

void ProfilingBackend::add_diagonal(DeviceTensor& a, const DeviceTensor& d) {
  backend_.add_diagonal(a, d);
  backend_.synchronize();
}

CholeskyFactor ProfilingBackend::cholesky(const DeviceTensor& a) {
  return finished(backend_.cholesky(a));
}

DeviceTensor ProfilingBackend::lower_triangular_inverse(const DeviceTensor& lower) {
  return finished(backend_.lower_triangular_inverse(lower));
}

// A triangular solve is a product with lower⁻ᵀ at half a product's cost: m·n² operations.
DeviceTensor ProfilingBackend::solve_lower_transposed(const DeviceTensor& y,
                                                      const DeviceTensor& lower) {
  DeviceTensor x = finished(backend_.solve_lower_transposed(y, lower));
  count_gemm_flops(static_cast<double>(y.shape.at(0)) * static_cast<double>(y.shape.at(1)) *
                   static_cast<double>(y.shape.at(1)));
  return x;
}

DeviceTensor ProfilingBackend::round_with_feedback(DeviceTensor& w, const DeviceTensor& u,
                                                   const LayerQuantization& quantization,
                                                   const FeedbackRounding& step,
                                                   DeviceTensor& values) {
  return finished(backend_.round_with_feedback(w, u, quantization, step, values));
}

}  // namespace lrq::host
