// What is particular to the cpu backend: the thread count never changes a result.
#include <gtest/gtest.h>

#include "backend_test_data.hpp"
#include "lrq/error.hpp"
#include "real_plugins.hpp"

namespace lrq::test {
namespace {

struct AllResults {
  std::vector<float> widened;
  std::vector<float> maxima;
  std::vector<float> quantized;
  std::vector<std::uint8_t> codes;
  std::vector<float> dequantized;
  double reference_norm = 0.0;
  double error_norm = 0.0;
};

AllResults run_everything(int threads) {
  const auto backend = make_backend("cpu", {{"threads", std::to_string(threads)}});
  const std::int64_t rows = 640;
  const std::int64_t cols = 896;
  const std::vector<float> values = mixed_magnitudes(rows, cols, 11);
  const ScaleLayout layout = ScaleLayout::blocks(128, 128);
  const Shape cells = layout.cells(rows, cols);
  std::vector<float> multipliers(static_cast<std::size_t>(element_count(cells)));
  for (std::size_t i = 0; i < multipliers.size(); ++i)
    multipliers[i] = 0.5f + 0.25f * (i % 7);

  AllResults results;
  const DeviceTensor x = backend->to_f32(upload_floats(*backend, values, {rows, cols}));
  results.widened = download_floats(*backend, x);
  results.maxima = download_floats(*backend, backend->absmax(x, layout));
  const DeviceTensor scale = upload_floats(*backend, multipliers, cells);
  const DeviceTensor q = backend->quantize(x, scale, layout, Grid::e4m3fn());
  results.quantized = download_floats(*backend, q);
  results.codes = download_bytes(*backend, backend->encode(q, Grid::e4m3fn()));
  const DeviceTensor dequantized = backend->dequantize(q, scale, layout);
  results.dequantized = download_floats(*backend, dequantized);
  const ErrorNorms norms = backend->quantization_error(x, q, scale, layout);
  results.reference_norm = norms.reference;
  results.error_norm = norms.error;
  return results;
}

TEST(CpuBackend, ResultsAreIdenticalWhateverTheThreadCount) {
  const AllResults one = run_everything(1);
  for (int threads : {2, 3, 8}) {
    const AllResults many = run_everything(threads);
    EXPECT_EQ(many.widened, one.widened) << threads << " threads";
    EXPECT_EQ(many.maxima, one.maxima) << threads << " threads";
    EXPECT_EQ(many.quantized, one.quantized) << threads << " threads";
    EXPECT_EQ(many.codes, one.codes) << threads << " threads";
    EXPECT_EQ(many.dequantized, one.dequantized) << threads << " threads";
    EXPECT_EQ(many.reference_norm, one.reference_norm) << threads << " threads";
    EXPECT_EQ(many.error_norm, one.error_norm) << threads << " threads";
  }
}

TEST(CpuBackend, ReportsItsThreads) {
  EXPECT_EQ(make_backend("cpu", {{"threads", "3"}})->info().device, "host CPU, 3 threads");
}

TEST(CpuBackend, RejectsANonMatrixOperand) {
  const auto backend = make_backend("cpu");
  const std::vector<float> values(8, 1.0f);
  const DeviceTensor vector = upload_floats(*backend, values, {8});
  EXPECT_THROW(backend->absmax(vector, ScaleLayout::per_tensor()), Error);
}

}  // namespace
}  // namespace lrq::test
