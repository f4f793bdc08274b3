// The cpu backend's linear algebra, and the truncated SVD built on it, give the same bits whatever
// the thread count.
#include <gtest/gtest.h>

#include "backend_test_data.hpp"
#include "linear_algebra_reference.hpp"
#include "lrq/svd.hpp"
#include "real_plugins.hpp"

namespace lrq::test {
namespace {

// Every output of every operation, in order.
struct Results {
  std::vector<std::vector<float>> tensors;
  double sum_of_squares = 0.0;
};

Results run_everything(int threads) {
  const auto backend = make_backend("cpu", {{"threads", std::to_string(threads)}});
  Results results;
  const auto keep = [&](const DeviceTensor& tensor) {
    results.tensors.push_back(download_floats(*backend, tensor));
  };
  // Shapes that span several tiles, panels and chunks, with partial ones at the edges.
  const std::int64_t m = 300;
  const std::int64_t n = 520;
  const std::int64_t k = 90;
  const DeviceTensor a = upload_floats(*backend, gaussian_values(m, k, 31), {m, k});
  const DeviceTensor a_transposed = upload_floats(*backend, gaussian_values(k, m, 32), {k, m});
  const DeviceTensor b = upload_floats(*backend, gaussian_values(k, n, 33), {k, n});
  const DeviceTensor b_transposed = upload_floats(*backend, gaussian_values(n, k, 34), {n, k});
  for (const auto& [lhs, transpose_a] :
       {std::pair{&a, Transpose::no}, {&a_transposed, Transpose::yes}}) {
    for (const auto& [rhs, transpose_b] :
         {std::pair{&b, Transpose::no}, {&b_transposed, Transpose::yes}}) {
      DeviceTensor c = upload_floats(*backend, gaussian_values(m, n, 35), {m, n});
      backend->gemm(0.75f, *lhs, transpose_a, *rhs, transpose_b, -1.5f, c);
      keep(c);
    }
  }
  const QrFactors qr = backend->qr(upload_floats(*backend, gaussian_values(m, k, 36), {m, k}));
  keep(qr.q);
  keep(qr.r);
  const SvdFactors svd = backend->svd(upload_floats(*backend, gaussian_values(k, k, 37), {k, k}));
  keep(svd.u);
  keep(svd.singular_values);
  keep(svd.v);
  DeviceTensor gram = backend->zeros({k, k});
  backend->gemm(1.0f, a, Transpose::yes, a, Transpose::no, 0.0f, gram);
  keep(backend->solve_lower_transposed(a, backend->cholesky(gram).factor));

  const std::int64_t length = 300007;
  const DeviceTensor x = upload_floats(*backend, gaussian_values(1, length, 38), {length});
  DeviceTensor y = upload_floats(*backend, gaussian_values(1, length, 39), {length});
  backend->axpby(0.3f, x, -1.25f, y);
  keep(y);
  results.sum_of_squares = backend->sum_of_squares(y);
  DeviceTensor first_moment = backend->zeros({length});
  DeviceTensor second_moment = backend->zeros({length});
  backend->moment_step(MomentStep{0.9f, 0.999f, 0.999f, 0.01f, 31.6f, 1e-8f}, x, y, first_moment,
                       second_moment);
  keep(y);
  keep(first_moment);
  keep(second_moment);

  RandomizedSvdOptions options;
  options.rank = 20;
  const TruncatedSvd truncated = randomized_svd(
      *backend, upload_floats(*backend, low_rank_plus_noise(m, n, 30, 0.9, 1e-2, 40), {m, n}),
      options);
  keep(truncated.u);
  keep(truncated.v);
  results.tensors.push_back(truncated.singular_values);
  return results;
}

TEST(CpuLinearAlgebra, ResultsAreIdenticalWhateverTheThreadCount) {
  const Results one = run_everything(1);
  for (int threads : {2, 3}) {
    const Results many = run_everything(threads);
    ASSERT_EQ(many.tensors.size(), one.tensors.size());
    for (std::size_t i = 0; i < one.tensors.size(); ++i)
      EXPECT_EQ(many.tensors[i], one.tensors[i]) << "result " << i << ", " << threads << " threads";
    EXPECT_EQ(many.sum_of_squares, one.sum_of_squares) << threads << " threads";
  }
}

}  // namespace
}  // namespace lrq::test
