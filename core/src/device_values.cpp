#include "device_values.hpp"

#include <span>

namespace lrq {

std::vector<float> download_values(Backend& backend, const DeviceTensor& tensor) {
  std::vector<float> values(static_cast<std::size_t>(tensor.elements()));
  backend.download(tensor, std::as_writable_bytes(std::span(values)));
  return values;
}

DeviceTensor upload_matrix(Backend& backend, const std::vector<float>& values, std::int64_t rows,
                           std::int64_t cols) {
  return backend.upload(TensorView{DType::F32, {rows, cols}, std::as_bytes(std::span(values))});
}

DeviceTensor product(Backend& backend, const DeviceTensor& a, Transpose transpose_a,
                     const DeviceTensor& b, Transpose transpose_b) {
  const std::int64_t rows = transpose_a == Transpose::yes ? a.shape[1] : a.shape[0];
  const std::int64_t cols = transpose_b == Transpose::yes ? b.shape[0] : b.shape[1];
  DeviceTensor c = backend.zeros({rows, cols});
  backend.gemm(1.0f, a, transpose_a, b, transpose_b, 0.0f, c);
  return c;
}

DeviceTensor product(Backend& backend, const DeviceTensor& a, const DeviceTensor& b) {
  return product(backend, a, Transpose::no, b, Transpose::no);
}

}  // namespace lrq
