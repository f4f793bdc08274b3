// The cpu backend: host memory, arithmetic in cpu_kernels, cpu_elementwise and the Eigen-based
// cpu_gemm, cpu_qr and cpu_svd, threads from OpenMP.
#pragma once

#include "host_memory.hpp"
#include "lrq/backend.hpp"

namespace lrq::cpu {

class CpuBackend final : public Backend {
 public:
  explicit CpuBackend(int threads);

  BackendInfo info() const override;
  void synchronize() override {}  // every call has finished when it returns
  DeviceTensor upload(const TensorView& host) override;
  void download(const DeviceTensor& tensor, std::span<std::byte> host) override;
  DeviceTensor to_f32(const DeviceTensor& tensor) override;
  DeviceTensor absmax(const DeviceTensor& x, const ScaleLayout& layout) override;
  DeviceTensor quantize(const DeviceTensor& x, const DeviceTensor& multiplier,
                        const ScaleLayout& layout, const Grid& grid) override;
  DeviceTensor encode(const DeviceTensor& grid_values, const Grid& grid) override;
  DeviceTensor decode(const DeviceTensor& codes, const Grid& grid) override;
  DeviceTensor dequantize(const DeviceTensor& values, const DeviceTensor& scale,
                          const ScaleLayout& layout) override;
  ErrorNorms quantization_error(const DeviceTensor& reference, const DeviceTensor& values,
                                const DeviceTensor& scale, const ScaleLayout& layout) override;
  DeviceTensor zeros(const Shape& shape) override;
  void gemm(float alpha, const DeviceTensor& a, Transpose transpose_a, const DeviceTensor& b,
            Transpose transpose_b, float beta, DeviceTensor& c) override;
  QrFactors qr(const DeviceTensor& a) override;
  SvdFactors svd(const DeviceTensor& a) override;
  SymmetricEigen symmetric_eigen(const DeviceTensor& a) override;
  void axpby(float alpha, const DeviceTensor& x, float beta, DeviceTensor& y) override;
  double sum_of_squares(const DeviceTensor& x) override;
  void moment_step(const MomentStep& step, const DeviceTensor& gradient, DeviceTensor& parameter,
                   DeviceTensor& first_moment, DeviceTensor& second_moment) override;
  double dot(const DeviceTensor& a, const DeviceTensor& b) override;
  DeviceTensor gather(const DeviceTensor& a, std::span<const std::int64_t> rows,
                      std::span<const std::int64_t> cols) override;
  void add_diagonal(DeviceTensor& a, const DeviceTensor& d) override;
  CholeskyFactor cholesky(const DeviceTensor& a) override;
  DeviceTensor lower_triangular_inverse(const DeviceTensor& lower) override;
  DeviceTensor solve_lower_transposed(const DeviceTensor& y, const DeviceTensor& lower) override;
  DeviceTensor round_with_feedback(DeviceTensor& w, const DeviceTensor& u,
                                   const LayerQuantization& quantization,
                                   const FeedbackRounding& step, DeviceTensor& values) override;

 private:
  DeviceTensor allocate(DType dtype, const Shape& shape) { return pool_->allocate(dtype, shape); }

  int threads_;
  std::shared_ptr<HostBufferPool> pool_;
};

class CpuBackendFactory final : public BackendFactory {
 public:
  std::string name() const override { return "cpu"; }
  std::string description() const override;
  OptionsSchema schema() const override;
  std::unique_ptr<Backend> create(const Options& options) const override;
  Availability probe() const override { return {true, ""}; }
};

}  // namespace lrq::cpu
