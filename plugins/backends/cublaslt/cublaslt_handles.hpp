// Owning handles for cuBLASLt's context and descriptors; every call's status goes through
// cuda::check_cublas.
#pragma once

#include <cublasLt.h>

#include <cstdint>
#include <memory>
#include <type_traits>

#include "cuda_check.hpp"

namespace lrq::cublaslt {

using cuda::check_cublas;

template <class Handle, cublasStatus_t (*kDestroy)(Handle)>
struct Destroyer {
  void operator()(Handle handle) const noexcept { kDestroy(handle); }
};

template <class Handle, cublasStatus_t (*kDestroy)(Handle)>
using Owned = std::unique_ptr<std::remove_pointer_t<Handle>, Destroyer<Handle, kDestroy>>;

using Context = Owned<cublasLtHandle_t, &cublasLtDestroy>;
using MatmulDesc = Owned<cublasLtMatmulDesc_t, &cublasLtMatmulDescDestroy>;
using MatrixLayout = Owned<cublasLtMatrixLayout_t, &cublasLtMatrixLayoutDestroy>;
using Preference = Owned<cublasLtMatmulPreference_t, &cublasLtMatmulPreferenceDestroy>;

Context make_context();
MatmulDesc make_matmul_desc(cublasComputeType_t compute, cudaDataType_t scale);
// A column-major F32 matrix [rows, cols] with leading dimension ld.
MatrixLayout make_layout(std::uint64_t rows, std::uint64_t cols, std::int64_t ld);
Preference make_preference();

}  // namespace lrq::cublaslt
