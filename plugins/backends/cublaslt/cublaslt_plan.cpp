#include "cublaslt_plan.hpp"

#include <array>
#include <string>

#include "lrq/error.hpp"

namespace lrq::cublaslt {
namespace {

std::uint32_t alignment(const void* pointer) {
  const auto address = reinterpret_cast<std::uintptr_t>(pointer);
  std::uint32_t bytes = 256;
  while (bytes > 4 && address % bytes != 0)
    bytes /= 2;
  return bytes;
}

template <class Value>
void set(cublasLtMatmulDesc_t desc, cublasLtMatmulDescAttributes_t attribute, Value value) {
  check_cublas(cublasLtMatmulDescSetAttribute(desc, attribute, &value, sizeof(value)),
               "cublasLtMatmulDescSetAttribute");
}

template <class Value>
void set(cublasLtMatmulPreference_t preference, cublasLtMatmulPreferenceAttributes_t attribute,
         Value value) {
  check_cublas(cublasLtMatmulPreferenceSetAttribute(preference, attribute, &value, sizeof(value)),
               "cublasLtMatmulPreferenceSetAttribute");
}

template <class Value>
Value config(const cublasLtMatmulAlgo_t& algo, cublasLtMatmulAlgoConfigAttributes_t attribute,
             Value fallback) {
  Value value = fallback;
  std::size_t written = 0;
  check_cublas(
      cublasLtMatmulAlgoConfigGetAttribute(&algo, attribute, &value, sizeof(value), &written),
      "cublasLtMatmulAlgoConfigGetAttribute");
  return value;
}

// The preference already excludes reduction schemes; checking the chosen configuration too keeps
// determinism from resting on the heuristic honouring it.
bool sums_k_in_one_pass(const cublasLtMatmulAlgo_t& algo) {
  return config<std::int32_t>(algo, CUBLASLT_ALGO_CONFIG_SPLITK_NUM, 1) <= 1 &&
         config<std::uint32_t>(algo, CUBLASLT_ALGO_CONFIG_REDUCTION_SCHEME,
                               CUBLASLT_REDUCTION_SCHEME_NONE) == CUBLASLT_REDUCTION_SCHEME_NONE;
}

cublasOperation_t operation(bool transposed) {
  return transposed ? CUBLAS_OP_T : CUBLAS_OP_N;
}

std::string describe(const PlanKey& key) {
  return "[" + std::to_string(key.m) + ", " + std::to_string(key.k) + "] x [" +
         std::to_string(key.k) + ", " + std::to_string(key.n) + "]" +
         (key.transpose_a ? " aT" : "") + (key.transpose_b ? " bT" : "") +
         (key.tf32 ? " tf32" : " fp32");
}

}  // namespace

PlanKey plan_key(const cuda::GemmProblem& problem, bool tf32) {
  return {problem.m,
          problem.n,
          problem.k,
          problem.transpose_a,
          problem.transpose_b,
          tf32,
          alignment(problem.a),
          alignment(problem.b),
          alignment(problem.c)};
}

MatmulPlan make_plan(cublasLtHandle_t context, const PlanKey& key, std::size_t workspace_bytes) {
  const auto stored_rows_a = static_cast<std::uint64_t>(key.transpose_a ? key.k : key.m);
  const auto lda = key.transpose_a ? key.m : key.k;
  const auto stored_rows_b = static_cast<std::uint64_t>(key.transpose_b ? key.n : key.k);
  const auto ldb = key.transpose_b ? key.k : key.n;
  MatmulPlan plan{
      make_matmul_desc(key.tf32 ? CUBLAS_COMPUTE_32F_FAST_TF32 : CUBLAS_COMPUTE_32F, CUDA_R_32F),
      make_layout(static_cast<std::uint64_t>(ldb), stored_rows_b, ldb),
      make_layout(static_cast<std::uint64_t>(lda), stored_rows_a, lda),
      make_layout(static_cast<std::uint64_t>(key.n), static_cast<std::uint64_t>(key.m), key.n)};
  set(plan.desc.get(), CUBLASLT_MATMUL_DESC_TRANSA, operation(key.transpose_b));
  set(plan.desc.get(), CUBLASLT_MATMUL_DESC_TRANSB, operation(key.transpose_a));
  set(plan.desc.get(), CUBLASLT_MATMUL_DESC_POINTER_MODE,
      static_cast<std::int32_t>(CUBLASLT_POINTER_MODE_HOST));

  const Preference preference = make_preference();
  set(preference.get(), CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES,
      static_cast<std::uint64_t>(workspace_bytes));
  // Split-k partial sums reduced in a second pass or through the output would make the order of
  // the k sum depend on the algorithm's scheduling; keep to algorithms that sum k in one pass.
  set(preference.get(), CUBLASLT_MATMUL_PREF_REDUCTION_SCHEME_MASK,
      static_cast<std::uint32_t>(CUBLASLT_REDUCTION_SCHEME_NONE));
  set(preference.get(), CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_A_BYTES, key.align_b);
  set(preference.get(), CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_B_BYTES, key.align_a);
  set(preference.get(), CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_C_BYTES, key.align_c);
  set(preference.get(), CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_D_BYTES, key.align_c);

  std::array<cublasLtMatmulHeuristicResult_t, 8> results{};
  int found = 0;
  check_cublas(cublasLtMatmulAlgoGetHeuristic(
                   context, plan.desc.get(), plan.a.get(), plan.b.get(), plan.c.get(), plan.c.get(),
                   preference.get(), static_cast<int>(results.size()), results.data(), &found),
               "cublasLtMatmulAlgoGetHeuristic");
  for (int i = 0; i < found; ++i) {
    const cublasLtMatmulHeuristicResult_t& result = results[static_cast<std::size_t>(i)];
    if (result.state == CUBLAS_STATUS_SUCCESS && result.workspaceSize <= workspace_bytes &&
        sums_k_in_one_pass(result.algo)) {
      plan.algo = result.algo;
      return plan;
    }
  }
  throw Error(ErrorCategory::unsupported,
              "cublaslt backend: cuBLASLt offers no algorithm without split-k reduction for " +
                  describe(key));
}

}  // namespace lrq::cublaslt
