// original, adamw and radam as a conversion uses them: original's k-space paths agree with the
// general loop and with each other, original stops once no code can change, learned rounding beats
// round-to-nearest where it should, results are reproducible, and the special cases (all-zero
// weight, num_iter 0, the rank rule) hold.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "backend_test_data.hpp"
#include "lrq/rng.hpp"
#include "real_plugins.hpp"

namespace lrq::test {
namespace {

// A trained layer's shape of weight: a rank-8 part plus noise.
std::vector<float> low_rank_weight(std::int64_t rows, std::int64_t cols, std::uint64_t seed) {
  Rng rng(seed);
  constexpr int kLowRank = 8;
  std::vector<double> a(static_cast<std::size_t>(rows * kLowRank));
  std::vector<double> b(static_cast<std::size_t>(kLowRank * cols));
  for (double& x : a)
    x = rng.normal();
  for (double& x : b)
    x = rng.normal();
  std::vector<float> w(static_cast<std::size_t>(rows * cols));
  for (std::int64_t r = 0; r < rows; ++r) {
    for (std::int64_t c = 0; c < cols; ++c) {
      double sum = 0.3 * rng.normal();
      for (int i = 0; i < kLowRank; ++i)
        sum += a[r * kLowRank + i] * b[i * cols + c];
      w[r * cols + c] = static_cast<float>(0.01 * sum);
    }
  }
  return w;
}

// Gives every row of the g-th band of `tile` rows the max |w| peaks[g] times the weight's largest
// |w|, planted once per row and spread over the column tiles so that every [tile, tile] block holds
// its band's peak: per-row and per-block scales then agree, and with equal peaks the per-tensor one
// too.
std::vector<float> with_band_peaks(std::vector<float> w, std::int64_t rows, std::int64_t cols,
                                   std::int64_t tile, const std::vector<double>& peaks) {
  float largest = 0.0f;
  for (float x : w)
    largest = std::max(largest, std::fabs(x));
  for (std::int64_t r = 0; r < rows; ++r) {
    const std::int64_t column = (r % (cols / tile)) * tile + (r * 7) % tile;
    const double peak = peaks.at(static_cast<std::size_t>(r / tile)) * largest;
    w[r * cols + column] = static_cast<float>(r % 2 == 0 ? peak : -peak);
  }
  return w;
}

struct Layer {
  TensorInfo info;
  DeviceTensor weight;
  LayerQuantization quantization;
};

Layer prepare(Backend& backend, const std::vector<float>& weight, std::int64_t rows,
              std::int64_t cols, const std::string& format, const OptionTexts& format_options) {
  Layer layer{{"blocks.3.attn.qkv.weight", DType::F32, {rows, cols}}, {}, {}};
  layer.weight = upload_floats(backend, weight, layer.info.shape);
  layer.quantization =
      make_format(format, format_options)->prepare(backend, layer.info, layer.weight);
  return layer;
}

RoundingResult run(Backend& backend, const Layer& layer, const std::string& optimizer,
                   const OptionTexts& options, bool reference_compat = false,
                   std::uint64_t seed = 11) {
  return make_optimizer(optimizer, options)
      ->optimize({backend, layer.info, layer.weight, layer.quantization, seed, reference_compat});
}

std::vector<float> rtn_values(Backend& backend, const Layer& layer) {
  const LayerQuantization& q = layer.quantization;
  return download_floats(backend, backend.quantize(layer.weight, q.multiplier, q.layout, q.grid));
}

// (g_rc + noise * N(0, 1)) * band_scale[r / tile], g_rc drawn from `grid_values`, and one
// element of every row at +-`peak` (without noise), spread over the column tiles as
// with_band_peaks does: every row and every [tile, tile] block then has the scale of its band, and
// round-to-nearest gives g wherever the noise stays below half the grid's step there.
std::vector<float> near_grid_weight(std::int64_t rows, std::int64_t cols, std::int64_t tile,
                                    const std::vector<double>& band_scales,
                                    const std::vector<double>& grid_values, double peak,
                                    double noise, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<float> w(static_cast<std::size_t>(rows * cols));
  for (std::int64_t r = 0; r < rows; ++r) {
    const double scale = band_scales.at(static_cast<std::size_t>(r / tile));
    const std::int64_t peak_column = (r % (cols / tile)) * tile + (r * 7) % tile;
    for (std::int64_t c = 0; c < cols; ++c) {
      const auto pick = static_cast<std::size_t>(rng.uniform() * grid_values.size());
      const double sign = rng.uniform() < 0.5 ? -1.0 : 1.0;
      const double value = c == peak_column ? (r % 2 == 0 ? peak : -peak)
                                            : sign * grid_values.at(pick) + noise * rng.normal();
      w[r * cols + c] = static_cast<float>(value * scale);
    }
  }
  return w;
}

std::vector<double> integers_up_to(int largest) {
  std::vector<double> values;
  for (int value = 0; value <= largest; ++value)
    values.push_back(value);
  return values;
}

// e4m3 normals m 2^j (m in 8..15) from 2^-6 to 240: their half steps are at least 2^-10.
std::vector<double> e4m3_normals() {
  std::vector<double> values;
  for (int j = -9; j <= 4; ++j) {
    for (int m = 8; m <= 15; ++m)
      values.push_back(std::ldexp(m, j));
  }
  return values;
}

bool settled(const RoundingResult& result) {
  return result.stop_reason.find("rounding settled") != std::string::npos;
}

class OptimizerBehaviour : public ::testing::Test {
 protected:
  std::unique_ptr<Backend> backend_ = make_backend("cpu");
};

std::string text(double value) {
  std::ostringstream out;
  out.precision(17);
  out << value;
  return out.str();
}

double frobenius(const std::vector<float>& w) {
  double sum = 0.0;
  for (float x : w)
    sum += static_cast<double>(x) * x;
  return std::sqrt(sum);
}

// `fast` and `general` hold the same weight with the same scales in layouts that send original
// down different paths: both solve the same problem and must agree. The subspace is full-rank, so
// that ||uᵀ W v|| = ||W|| gives the start loss, and the schedule is set from it to keep the loop's
// decisions far above float noise.
void expect_same_rounding(Backend& backend, const Layer& fast, const Layer& general,
                          double weight_norm, bool reference_compat) {
  const double start_loss =
      run(backend, fast, "original", {{"num_iter", "1"}}).projected_error_rtn * weight_norm;
  const OptionTexts options = {{"lr", text(start_loss / 7.7)},
                               {"early_stop_lr", text(start_loss * 1e-2)},
                               {"lr_min", text(start_loss * 1e-3)}};
  const RoundingResult a = run(backend, fast, "original", options, reference_compat);
  const RoundingResult b = run(backend, general, "original", options, reference_compat);

  EXPECT_EQ(a.rank, std::min(fast.info.shape[0], fast.info.shape[1]));
  EXPECT_EQ(a.stop_reason, b.stop_reason);
  EXPECT_EQ(a.iterations, b.iterations);
  EXPECT_GT(a.iterations, 40);
  const std::vector<float> a_values = download_floats(backend, a.grid_values);
  const std::vector<float> b_values = download_floats(backend, b.grid_values);
  const std::vector<float> rtn = rtn_values(backend, fast);
  int differences = 0;
  int moved = 0;
  for (std::size_t i = 0; i < a_values.size(); ++i) {
    differences += a_values[i] != b_values[i];
    moved += a_values[i] != rtn[i];
  }
  EXPECT_GT(moved, 20);
  EXPECT_LE(differences, 3) << "of " << moved << " moved elements";
  EXPECT_NEAR(a.projected_error_rtn, b.projected_error_rtn, 1e-5 * a.projected_error_rtn);
  EXPECT_NEAR(a.projected_error, b.projected_error, 1e-3 * a.projected_error);
  EXPECT_LT(a.projected_error, a.projected_error_rtn);
}

struct Setting {
  std::string format;
  bool reference_compat;
};

OptionTexts blocks_of(std::int64_t tile) {
  return {{"scale", "block"}, {"block_size", std::to_string(tile)}};
}

// The line (one scale per tensor) against the general loop and the tiled path (per-block scales,
// all equal): k = 128 is at least 2/3 of 192, below 2/3 of 320, with row tiles for 128 x 320 and
// column tiles for 320 x 128.
TEST_F(OptimizerBehaviour, LinePathEqualsGeneralLoopAndTiledPath) {
  const std::int64_t tile = 64;
  for (const auto& [rows, cols] :
       std::vector<std::pair<std::int64_t, std::int64_t>>{{128, 192}, {128, 320}, {320, 128}}) {
    const std::vector<float> weight =
        with_band_peaks(low_rank_weight(rows, cols, 3), rows, cols, tile,
                        std::vector<double>(static_cast<std::size_t>(rows / tile), 1.5));
    for (const Setting& setting : {Setting{"fp8", false}, Setting{"int8_block", true}}) {
      SCOPED_TRACE(std::to_string(rows) + "x" + std::to_string(cols) + " " + setting.format +
                   (setting.reference_compat ? " compat" : ""));
      const Layer tensor =
          prepare(*backend_, weight, rows, cols, setting.format, {{"scale", "tensor"}});
      const Layer blocks = prepare(*backend_, weight, rows, cols, setting.format, blocks_of(tile));
      expect_same_rounding(*backend_, tensor, blocks, frobenius(weight), setting.reference_compat);
    }
  }
}

// The per-row path (the line for the reference's fp8) against the tiled path (256 x 128: k = 128
// below 2/3 of 256) and the general loop (192 x 128), on per-block scales equal to the per-row
// ones, which differ from band to band. fp8 with corrected steps is left to OptimizerMath's
// smaller subspaces: over a full-rank one its many-dimensional path amplifies float rounding in
// either loop until a few of its fine grid's values differ.
TEST_F(OptimizerBehaviour, RowPathEqualsTiledPathAndGeneralLoop) {
  const std::int64_t cols = 128;
  const std::int64_t tile = 64;
  const std::vector<double> peaks = {1.5, 4.0, 2.5, 1.2};
  for (const std::int64_t rows : {256, 192}) {
    const std::vector<float> weight =
        with_band_peaks(low_rank_weight(rows, cols, 4), rows, cols, tile,
                        std::vector<double>(peaks.begin(), peaks.begin() + rows / tile));
    for (const Setting& setting :
         {Setting{"fp8", true}, Setting{"int8_block", false}, Setting{"int8_block", true}}) {
      SCOPED_TRACE(std::to_string(rows) + " rows " + setting.format +
                   (setting.reference_compat ? " compat" : ""));
      const Layer per_row =
          prepare(*backend_, weight, rows, cols, setting.format, {{"scale", "row"}});
      const Layer blocks = prepare(*backend_, weight, rows, cols, setting.format, blocks_of(tile));
      expect_same_rounding(*backend_, per_row, blocks, frobenius(weight), setting.reference_compat);
    }
  }
}

// A weight this close to the int8 grid cannot move a code even with the largest offsets the loop
// may still reach from round-to-nearest: original stops at its first iteration with round-to-
// nearest, on the tiled path (k < 2/3 of the longer side) and on the general loop alike.
TEST_F(OptimizerBehaviour, OriginalStopsAtOnceWhenNoCodeCanChange) {
  for (const std::int64_t cols : {256, 128}) {
    SCOPED_TRACE(cols);
    const std::int64_t rows = 128;
    const std::vector<float> weight =
        near_grid_weight(rows, cols, 64, {1e-3, 2e-3}, integers_up_to(120), 127.0, 1e-4, 21);
    const Layer layer = prepare(*backend_, weight, rows, cols, "int8_block", blocks_of(64));
    const RoundingResult result = run(*backend_, layer, "original", {});
    EXPECT_TRUE(settled(result)) << result.stop_reason;
    EXPECT_EQ(result.iterations, 1);
    EXPECT_EQ(download_floats(*backend_, result.grid_values), rtn_values(*backend_, layer));
    EXPECT_EQ(result.projected_error, result.projected_error_rtn);
  }
}

// Farther from the grid, the loop has to converge before the offsets it can still reach are
// known to round to nearest. It then stops early with exactly what the full loop writes: the
// per-row path (which runs every iteration) on the same problem, with per-block scales equal to
// the per-row ones.
TEST_F(OptimizerBehaviour, OriginalStopsWithTheFullLoopsRoundingOnceSettled) {
  const std::int64_t rows = 256;
  const std::int64_t cols = 128;
  const std::int64_t tile = 64;
  const std::vector<float> weight = near_grid_weight(rows, cols, tile, {1e-3, 3e-3, 2e-3, 1.5e-3},
                                                     integers_up_to(120), 127.0, 0.05, 22);
  const Layer per_row = prepare(*backend_, weight, rows, cols, "int8_block", {{"scale", "row"}});
  const Layer blocks = prepare(*backend_, weight, rows, cols, "int8_block", blocks_of(tile));
  const RoundingResult full = run(*backend_, per_row, "original", {});
  const RoundingResult early = run(*backend_, blocks, "original", {});
  EXPECT_FALSE(settled(full)) << full.stop_reason;
  EXPECT_TRUE(settled(early)) << early.stop_reason;
  EXPECT_GT(early.iterations, 1);
  EXPECT_LT(early.iterations, full.iterations);
  const std::vector<float> rtn = rtn_values(*backend_, blocks);
  EXPECT_EQ(download_floats(*backend_, full.grid_values), rtn);
  EXPECT_EQ(download_floats(*backend_, early.grid_values), rtn);
}

// Where learned rounding moves codes, the loop never settles on round-to-nearest.
TEST_F(OptimizerBehaviour, OriginalRunsOnWhileCodesCanChange) {
  const Layer layer =
      prepare(*backend_, low_rank_weight(128, 256, 5), 128, 256, "int8_block", blocks_of(64));
  const RoundingResult result = run(*backend_, layer, "original", {});
  EXPECT_FALSE(settled(result)) << result.stop_reason;
  EXPECT_NE(download_floats(*backend_, result.grid_values), rtn_values(*backend_, layer));
}

// A minifloat grid's finest step near zero bounds how far offsets may move: noise that could not
// move an int8 code settles nothing on fp8's grid.
TEST_F(OptimizerBehaviour, MinifloatGridsSettleOnTheirFinestStep) {
  const std::int64_t rows = 128;
  const std::int64_t cols = 256;
  const std::vector<float> weight =
      near_grid_weight(rows, cols, 64, {1e-3, 2e-3}, e4m3_normals(), 448.0, 1e-5, 23);
  const Layer layer = prepare(*backend_, weight, rows, cols, "fp8", blocks_of(64));
  const RoundingResult result = run(*backend_, layer, "original", {{"num_iter", "3"}});
  EXPECT_FALSE(settled(result)) << result.stop_reason;
  EXPECT_EQ(result.iterations, 3);
}

// Learned rounding lowers the error inside the subspace it optimizes, with the reference's
// defaults, for the layouts ComfyUI loads most: fp8 per tensor (fast path) and int8 per 128-block
// (general loop; int8 needs the full-rank subspace that min_k 256 gives a small weight).
TEST_F(OptimizerBehaviour, OriginalBeatsRoundToNearestInItsSubspace) {
  struct Variant {
    std::string format;
    OptionTexts options;
  };
  const std::vector<Variant> variants = {
      {"fp8", {{"scale", "tensor"}}}, {"int8_block", {{"scale", "block"}, {"block_size", "128"}}}};
  for (const Variant& variant : variants) {
    for (std::uint64_t seed : {5, 6}) {
      SCOPED_TRACE(variant.format + " seed " + std::to_string(seed));
      const Layer layer = prepare(*backend_, low_rank_weight(128, 256, seed), 128, 256,
                                  variant.format, variant.options);
      const RoundingResult result = run(*backend_, layer, "original", {});
      EXPECT_EQ(result.rank, 128);
      EXPECT_GT(result.iterations, 0);
      EXPECT_GT(result.projected_error_rtn, 0.0);
      EXPECT_LT(result.projected_error, 0.99 * result.projected_error_rtn);
    }
  }
}

TEST_F(OptimizerBehaviour, SameRequestSameResult) {
  const Layer layer =
      prepare(*backend_, low_rank_weight(64, 128, 8), 64, 128, "fp8", {{"scale", "row"}});
  const OptionTexts options = {{"num_iter", "40"}, {"lr", "0.05"}};
  for (const std::string optimizer : {"original", "adamw", "radam"}) {
    SCOPED_TRACE(optimizer);
    const RoundingResult first = run(*backend_, layer, optimizer, options);
    const RoundingResult second = run(*backend_, layer, optimizer, options);
    EXPECT_EQ(download_bytes(*backend_, first.grid_values),
              download_bytes(*backend_, second.grid_values));
    EXPECT_EQ(first.iterations, second.iterations);
    EXPECT_EQ(first.stop_reason, second.stop_reason);
    EXPECT_EQ(first.rank, second.rank);
    EXPECT_EQ(first.projected_error_rtn, second.projected_error_rtn);
    EXPECT_EQ(first.projected_error, second.projected_error);
  }
}

TEST_F(OptimizerBehaviour, AllZeroWeightIsRoundedToNearestWithoutOptimizing) {
  const std::vector<float> zeros(64 * 128, 0.0f);
  for (const std::string format : {"fp8", "int8_block"}) {
    const Layer layer = prepare(*backend_, zeros, 64, 128, format,
                                {{"scale", format == "fp8" ? "tensor" : "block"}});
    for (const std::string optimizer : {"original", "adamw", "radam"}) {
      SCOPED_TRACE(format + " " + optimizer);
      const RoundingResult result = run(*backend_, layer, optimizer, {});
      EXPECT_EQ(result.iterations, 0);
      EXPECT_EQ(result.rank, 0);
      EXPECT_NE(result.stop_reason.find("all-zero"), std::string::npos) << result.stop_reason;
      EXPECT_EQ(download_floats(*backend_, result.grid_values), zeros);
    }
  }
}

TEST_F(OptimizerBehaviour, NoIterationsIsRoundToNearest) {
  const Layer layer = prepare(*backend_, low_rank_weight(64, 128, 9), 64, 128, "int8_block",
                              {{"scale", "block"}, {"block_size", "64"}});
  for (const std::string optimizer : {"original", "adamw", "radam"}) {
    SCOPED_TRACE(optimizer);
    const RoundingResult result = run(*backend_, layer, optimizer, {{"num_iter", "0"}});
    EXPECT_EQ(result.iterations, 0);
    EXPECT_NE(result.stop_reason.find("num_iter"), std::string::npos) << result.stop_reason;
    EXPECT_EQ(download_floats(*backend_, result.grid_values), rtn_values(*backend_, layer));
  }
}

// k = min(max_k, max(min_k, floor(top_p min(rows, cols)))), capped at min(rows, cols); a fixed
// rank replaces the rule.
TEST_F(OptimizerBehaviour, RankFollowsTheRule) {
  const Layer layer = prepare(*backend_, low_rank_weight(96, 80, 10), 96, 80, "fp8", {});
  struct Expectation {
    OptionTexts options;
    std::int64_t rank;
  };
  const std::vector<Expectation> expectations = {
      {{}, 80},
      {{{"top_p", "0.5"}, {"min_k", "10"}, {"max_k", "30"}}, 30},
      {{{"top_p", "0.1"}, {"min_k", "12"}, {"max_k", "60"}}, 12},
      {{{"top_p", "0.3"}, {"min_k", "12"}, {"max_k", "60"}}, 24},
      {{{"rank", "7"}}, 7},
      {{{"rank", "80"}, {"full_matrix", "true"}}, 80},
  };
  for (const Expectation& expectation : expectations) {
    OptionTexts options = expectation.options;
    options.emplace_back("num_iter", "3");
    EXPECT_EQ(run(*backend_, layer, "original", options).rank, expectation.rank)
        << ::testing::PrintToString(expectation.options);
  }
}

}  // namespace
}  // namespace lrq::test
