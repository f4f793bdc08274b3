#include "cublaslt_handles.hpp"

namespace lrq::cublaslt {

Context make_context() {
  cublasLtHandle_t handle = nullptr;
  check_cublas(cublasLtCreate(&handle), "cublasLtCreate");
  return Context(handle);
}

MatmulDesc make_matmul_desc(cublasComputeType_t compute, cudaDataType_t scale) {
  cublasLtMatmulDesc_t desc = nullptr;
  check_cublas(cublasLtMatmulDescCreate(&desc, compute, scale), "cublasLtMatmulDescCreate");
  return MatmulDesc(desc);
}

MatrixLayout make_layout(std::uint64_t rows, std::uint64_t cols, std::int64_t ld) {
  cublasLtMatrixLayout_t layout = nullptr;
  check_cublas(cublasLtMatrixLayoutCreate(&layout, CUDA_R_32F, rows, cols, ld),
               "cublasLtMatrixLayoutCreate");
  return MatrixLayout(layout);
}

Preference make_preference() {
  cublasLtMatmulPreference_t preference = nullptr;
  check_cublas(cublasLtMatmulPreferenceCreate(&preference), "cublasLtMatmulPreferenceCreate");
  return Preference(preference);
}

}  // namespace lrq::cublaslt
