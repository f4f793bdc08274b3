// Everything the cuda and cublaslt backends share: device memory, streams, transfers and every
// Backend operation but the general matrix product, which each plugin does its own way (cuda with
// this project's kernels, cublaslt through cuBLASLt). One kernel library, two plugins.
//
// Every operation is queued on one compute stream and returns without waiting, except those that
// return host values (download, encode's grid check, quantization_error, sum_of_squares, svd's
// convergence check). Uploads run on a second stream from pinned staging buffers; each op waits
// for the uploads of the tensors it touches. Memory comes from a stream-ordered pool of the
// backend's own and is freed in the compute stream's order when a tensor's last owner goes.
#pragma once

#include <cuda_runtime_api.h>

#include <memory>
#include <string>

#include "lrq/backend.hpp"

namespace lrq::cuda {

struct CudaBackendOptions {
  int device = 0;
  bool allow_tf32 = false;  // matrix products may use TF32 tensor cores
};

// The options both plugins declare: device (integer), tf32 (boolean).
OptionsSchema cuda_backend_schema();
CudaBackendOptions read_cuda_backend_options(const Options& options);

// Whether this machine has a CUDA device the runtime can use, and if not why.
Availability probe_cuda();

class CudaBackendBase : public Backend {
 public:
  CudaBackendBase(std::string name, const CudaBackendOptions& options);
  ~CudaBackendBase() override;

  BackendInfo info() const override;
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
  // gemm stays pure virtual: the plugins implement it.

 protected:
  // The stream every operation runs on, in order; uploads arrive through a second stream and
  // are waited for on this one before their first use.
  cudaStream_t compute_stream() const noexcept;
  bool allow_tf32() const noexcept;
  // F32 (or any dtype) device memory from the backend's pool, owned by the returned tensor and
  // usable by work queued on the compute stream (data is nullptr for an empty tensor).
  DeviceTensor allocate(DType dtype, const Shape& shape);
  // Makes the compute stream wait for a pending upload of `tensor`, if any. Call it for every
  // tensor an operation reads or writes (gemm: a, b and c) before queuing work on them. It also
  // makes the backend's device current on the calling thread (the CUDA runtime's current device
  // is per thread), so gemm may launch right after it.
  void wait_for_upload(const DeviceTensor& tensor);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace lrq::cuda
