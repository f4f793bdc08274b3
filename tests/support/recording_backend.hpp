// A Backend that forwards every call to another and records what it was asked: how many times
// each call was made, and the shape of every upload. For tests of what the pipeline asks a backend
// to do (work it should leave out), not of the numbers.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "lrq/backend.hpp"

namespace lrq::test {

class RecordingBackend final : public Backend {
 public:
  explicit RecordingBackend(Backend& backend) : backend_(backend) {}

  // How many times the call of this name (e.g. "dequantize") was made.
  int calls(const std::string& name) const;
  const std::vector<Shape>& uploads() const noexcept { return uploads_; }

  BackendInfo info() const override { return backend_.info(); }
  void synchronize() override;
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
  void count(const std::string& name) { ++calls_[name]; }

  Backend& backend_;
  std::map<std::string, int> calls_;
  std::vector<Shape> uploads_;
};

}  // namespace lrq::test
