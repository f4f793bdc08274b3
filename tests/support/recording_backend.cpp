#include "support/recording_backend.hpp"

namespace lrq::test {

int RecordingBackend::calls(const std::string& name) const {
  const auto found = calls_.find(name);
  return found != calls_.end() ? found->second : 0;
}

void RecordingBackend::synchronize() {
  count("synchronize");
  backend_.synchronize();
}

DeviceTensor RecordingBackend::upload(const TensorView& host) {
  count("upload");
  uploads_.push_back(host.shape);
  return backend_.upload(host);
}

void RecordingBackend::download(const DeviceTensor& tensor, std::span<std::byte> host) {
  count("download");
  backend_.download(tensor, host);
}

DeviceTensor RecordingBackend::to_f32(const DeviceTensor& tensor) {
  count("to_f32");
  return backend_.to_f32(tensor);
}

DeviceTensor RecordingBackend::absmax(const DeviceTensor& x, const ScaleLayout& layout) {
  count("absmax");
  return backend_.absmax(x, layout);
}

DeviceTensor RecordingBackend::quantize(const DeviceTensor& x, const DeviceTensor& multiplier,
                                        const ScaleLayout& layout, const Grid& grid) {
  count("quantize");
  return backend_.quantize(x, multiplier, layout, grid);
}

DeviceTensor RecordingBackend::encode(const DeviceTensor& grid_values, const Grid& grid) {
  count("encode");
  return backend_.encode(grid_values, grid);
}

DeviceTensor RecordingBackend::decode(const DeviceTensor& codes, const Grid& grid) {
  count("decode");
  return backend_.decode(codes, grid);
}

DeviceTensor RecordingBackend::dequantize(const DeviceTensor& values, const DeviceTensor& scale,
                                          const ScaleLayout& layout) {
  count("dequantize");
  return backend_.dequantize(values, scale, layout);
}

ErrorNorms RecordingBackend::quantization_error(const DeviceTensor& reference,
                                                const DeviceTensor& values,
                                                const DeviceTensor& scale,
                                                const ScaleLayout& layout) {
  count("quantization_error");
  return backend_.quantization_error(reference, values, scale, layout);
}

DeviceTensor RecordingBackend::zeros(const Shape& shape) {
  count("zeros");
  return backend_.zeros(shape);
}

void RecordingBackend::gemm(float alpha, const DeviceTensor& a, Transpose transpose_a,
                            const DeviceTensor& b, Transpose transpose_b, float beta,
                            DeviceTensor& c) {
  count("gemm");
  backend_.gemm(alpha, a, transpose_a, b, transpose_b, beta, c);
}

QrFactors RecordingBackend::qr(const DeviceTensor& a) {
  count("qr");
  return backend_.qr(a);
}

SvdFactors RecordingBackend::svd(const DeviceTensor& a) {
  count("svd");
  return backend_.svd(a);
}

SymmetricEigen RecordingBackend::symmetric_eigen(const DeviceTensor& a) {
  count("symmetric_eigen");
  return backend_.symmetric_eigen(a);
}

void RecordingBackend::axpby(float alpha, const DeviceTensor& x, float beta, DeviceTensor& y) {
  count("axpby");
  backend_.axpby(alpha, x, beta, y);
}

double RecordingBackend::sum_of_squares(const DeviceTensor& x) {
  count("sum_of_squares");
  return backend_.sum_of_squares(x);
}

void RecordingBackend::moment_step(const MomentStep& step, const DeviceTensor& gradient,
                                   DeviceTensor& parameter, DeviceTensor& first_moment,
                                   DeviceTensor& second_moment) {
  count("moment_step");
  backend_.moment_step(step, gradient, parameter, first_moment, second_moment);
}

double RecordingBackend::dot(const DeviceTensor& a, const DeviceTensor& b) {
  count("dot");
  return backend_.dot(a, b);
}

DeviceTensor RecordingBackend::gather(const DeviceTensor& a, std::span<const std::int64_t> rows,
                                      std::span<const std::int64_t> cols) {
  count("gather");
  return backend_.gather(a, rows, cols);
}

void RecordingBackend::add_diagonal(DeviceTensor& a, const DeviceTensor& d) {
  count("add_diagonal");
  backend_.add_diagonal(a, d);
}

CholeskyFactor RecordingBackend::cholesky(const DeviceTensor& a) {
  count("cholesky");
  return backend_.cholesky(a);
}

DeviceTensor RecordingBackend::lower_triangular_inverse(const DeviceTensor& lower) {
  count("lower_triangular_inverse");
  return backend_.lower_triangular_inverse(lower);
}

DeviceTensor RecordingBackend::solve_lower_transposed(const DeviceTensor& y,
                                                      const DeviceTensor& lower) {
  count("solve_lower_transposed");
  return backend_.solve_lower_transposed(y, lower);
}

DeviceTensor RecordingBackend::round_with_feedback(DeviceTensor& w, const DeviceTensor& u,
                                                   const LayerQuantization& quantization,
                                                   const FeedbackRounding& step,
                                                   DeviceTensor& values) {
  count("round_with_feedback");
  return backend_.round_with_feedback(w, u, quantization, step, values);
}

}  // namespace lrq::test
