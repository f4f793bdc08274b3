// original, adamw and radam against a plain double-precision transcription of the reference
// tool's loops (docs/learned-rounding.md) on small weights, in the same singular subspace: the
// stopping iteration and reason (decided by the schedule), best tracking, the update rules of
// both modes, the INT8 rules and the final rounding.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <numbers>
#include <sstream>

#include "backend_test_data.hpp"
#include "lrq/rng.hpp"
#include "lrq/svd.hpp"
#include "real_plugins.hpp"

namespace lrq::test {
namespace {

using Matrix = std::vector<double>;  // row-major

// Gram-Schmidt, twice for accuracy, on the r columns of [n, r].
void orthonormalize(Matrix& q, std::int64_t n, std::int64_t r) {
  for (std::int64_t j = 0; j < r; ++j) {
    for (int pass = 0; pass < 2; ++pass) {
      for (std::int64_t p = 0; p < j; ++p) {
        double dot = 0.0;
        for (std::int64_t i = 0; i < n; ++i)
          dot += q[i * r + j] * q[i * r + p];
        for (std::int64_t i = 0; i < n; ++i)
          q[i * r + j] -= dot * q[i * r + p];
      }
    }
    double norm = 0.0;
    for (std::int64_t i = 0; i < n; ++i)
      norm += q[i * r + j] * q[i * r + j];
    for (std::int64_t i = 0; i < n; ++i)
      q[i * r + j] /= std::sqrt(norm);
  }
}

Matrix orthonormal_columns(std::int64_t n, std::int64_t r, Rng& rng) {
  Matrix q(static_cast<std::size_t>(n * r));
  for (double& x : q)
    x = rng.normal();
  orthonormalize(q, n, r);
  return q;
}

std::vector<double> widened(const std::vector<float>& values) {
  return {values.begin(), values.end()};
}

// Everything both sides start from: a weight with a well separated spectrum; its top-k singular
// vectors (lrq::exact_svd, so that both sides measure the loss in the same subspace: adamw/radam
// move every element by about lr, and the loss after such a move is sensitive to the subspace's
// last bits); the format's scales per element; round-to-nearest from the backend.
struct Inputs {
  std::int64_t rows = 0;
  std::int64_t cols = 0;
  std::int64_t k = 0;
  TensorInfo info;
  std::vector<float> weight;
  DeviceTensor weight_tensor;
  LayerQuantization quantization;
  Matrix u;                        // [rows, k]
  Matrix v;                        // [cols, k]
  std::vector<double> scale;       // per element
  std::vector<double> multiplier;  // per element
  std::vector<float> start;
  double absmax = 0.0;
  double subspace_norm = 0.0;  // ||uᵀ W v||
};

std::int64_t cell_index(const ScaleLayout& layout, std::int64_t cols, std::int64_t r,
                        std::int64_t c) {
  switch (layout.granularity) {
    case ScaleGranularity::tensor:
      return 0;
    case ScaleGranularity::row:
      return r;
    case ScaleGranularity::block:
      return (r / layout.block_rows) * (cols / layout.block_cols) + c / layout.block_cols;
  }
  return 0;
}

// P = uᵀ E v.
Matrix project(const Inputs& in, const Matrix& e) {
  Matrix left(static_cast<std::size_t>(in.k * in.cols), 0.0);
  for (std::int64_t i = 0; i < in.rows; ++i) {
    for (std::int64_t a = 0; a < in.k; ++a) {
      for (std::int64_t c = 0; c < in.cols; ++c)
        left[a * in.cols + c] += in.u[i * in.k + a] * e[i * in.cols + c];
    }
  }
  Matrix p(static_cast<std::size_t>(in.k * in.k), 0.0);
  for (std::int64_t a = 0; a < in.k; ++a) {
    for (std::int64_t c = 0; c < in.cols; ++c) {
      for (std::int64_t b = 0; b < in.k; ++b)
        p[a * in.k + b] += left[a * in.cols + c] * in.v[c * in.k + b];
    }
  }
  return p;
}

// u p vᵀ.
Matrix expand(const Inputs& in, const Matrix& p) {
  Matrix right(static_cast<std::size_t>(in.k * in.cols), 0.0);
  for (std::int64_t a = 0; a < in.k; ++a) {
    for (std::int64_t b = 0; b < in.k; ++b) {
      for (std::int64_t c = 0; c < in.cols; ++c)
        right[a * in.cols + c] += p[a * in.k + b] * in.v[c * in.k + b];
    }
  }
  Matrix g(static_cast<std::size_t>(in.rows * in.cols), 0.0);
  for (std::int64_t i = 0; i < in.rows; ++i) {
    for (std::int64_t a = 0; a < in.k; ++a) {
      for (std::int64_t c = 0; c < in.cols; ++c)
        g[i * in.cols + c] += in.u[i * in.k + a] * right[a * in.cols + c];
    }
  }
  return g;
}

double frobenius(const Matrix& m) {
  double sum = 0.0;
  for (double x : m)
    sum += x * x;
  return std::sqrt(sum);
}

// ||uᵀ(values ⊙ scale - W) v||.
double projected_loss(const Inputs& in, const std::vector<double>& values) {
  Matrix e(values.size());
  for (std::size_t i = 0; i < e.size(); ++i)
    e[i] = values[i] * in.scale[i] - in.weight[i];
  return frobenius(project(in, e));
}

// The hyper-parameters, as the reference tool's CLI names them.
struct Hyper {
  std::int64_t num_iter = 4000;
  double lr = 1.0;
  std::string lr_schedule = "plateau";
  double lr_gamma = 0.99;
  std::int64_t lr_patience = 1;
  double lr_factor = 0.95;
  double lr_min = 1e-8;
  std::int64_t lr_cooldown = 0;
  double lr_threshold = 0.0;
  std::string lr_threshold_mode = "rel";
  std::string lr_adaptive_mode = "simple-reset";
  double lr_shape_influence = 1.0;
  double early_stop_loss = 5e-9;
  double early_stop_lr = 1.01e-8;
  std::int64_t early_stop_stall = 2000;
  double weight_decay = 0.0;
  double eps = 1e-8;
};

std::string text(double value) {
  std::ostringstream out;
  out.precision(17);
  out << value;
  return out.str();
}

OptionTexts option_texts(const std::string& method, const Hyper& h, std::int64_t k) {
  OptionTexts options = {{"num_iter", std::to_string(h.num_iter)},
                         {"lr", text(h.lr)},
                         {"lr_schedule", h.lr_schedule},
                         {"lr_gamma", text(h.lr_gamma)},
                         {"lr_patience", std::to_string(h.lr_patience)},
                         {"lr_factor", text(h.lr_factor)},
                         {"lr_min", text(h.lr_min)},
                         {"lr_cooldown", std::to_string(h.lr_cooldown)},
                         {"lr_threshold", text(h.lr_threshold)},
                         {"lr_threshold_mode", h.lr_threshold_mode},
                         {"lr_adaptive_mode", h.lr_adaptive_mode},
                         {"lr_shape_influence", text(h.lr_shape_influence)},
                         {"early_stop_loss", text(h.early_stop_loss)},
                         {"early_stop_lr", text(h.early_stop_lr)},
                         {"early_stop_stall", std::to_string(h.early_stop_stall)},
                         {"full_matrix", "true"},
                         {"rank", std::to_string(k)}};
  if (method != "original") {
    options.emplace_back("weight_decay", text(h.weight_decay));
    options.emplace_back("eps", text(h.eps));
  }
  return options;
}

struct Outcome {
  std::vector<double> best;  // Q_best, continuous
  std::int64_t iterations = 0;
  std::string stop_reason;
};

// torch.optim.AdamW / RAdam (betas 0.9, 0.999) on delta, step t (1-based), as the
// PyTorch documentation states the algorithms.
void adam_step(const std::string& method, double lr, const Hyper& h, std::int64_t t,
               std::vector<double> gradient, std::vector<double>& delta, std::vector<double>& m,
               std::vector<double>& v) {
  const double beta1 = 0.9;
  const double beta2 = 0.999;
  const double eps = h.eps;
  const double weight_decay = h.weight_decay;
  const double bc1 = 1.0 - std::pow(beta1, static_cast<double>(t));
  const double bc2 = 1.0 - std::pow(beta2, static_cast<double>(t));
  const double rho_inf = 2.0 / (1.0 - beta2) - 1.0;
  const double rho_t =
      rho_inf - 2.0 * static_cast<double>(t) * std::pow(beta2, static_cast<double>(t)) / bc2;
  for (std::size_t i = 0; i < delta.size(); ++i) {
    if (method == "adamw") {
      delta[i] *= 1.0 - lr * weight_decay;
    } else {
      gradient[i] += weight_decay * delta[i];
    }
    m[i] = beta1 * m[i] + (1.0 - beta1) * gradient[i];
    v[i] = beta2 * v[i] + (1.0 - beta2) * gradient[i] * gradient[i];
    const double m_hat = m[i] / bc1;
    if (method == "adamw") {
      delta[i] -= lr * m_hat / (std::sqrt(v[i] / bc2) + eps);
    } else if (rho_t > 5.0) {
      const double r = std::sqrt((rho_t - 4.0) * (rho_t - 2.0) * rho_inf /
                                 ((rho_inf - 4.0) * (rho_inf - 2.0) * rho_t));
      delta[i] -= lr * m_hat * r * std::sqrt(bc2) / (std::sqrt(v[i]) + eps);
    } else {
      delta[i] -= lr * m_hat;
    }
  }
}

// The reference tool's loop for `method`, written out as docs/learned-rounding.md describes
// it, in double precision. `compat` selects the reference's defects: original's step multiplied
// by the quantization multiplier (else G ⊙ scale / mean(scale²)) and adamw/radam's "best" taken
// after the step.
Outcome reference_run(const Inputs& in, const std::string& method, const Hyper& h, bool compat) {
  const std::size_t n = in.weight.size();
  const bool original = method == "original";
  const bool int8_cells = in.quantization.grid == Grid::int8() &&
                          in.quantization.layout.granularity != ScaleGranularity::tensor;
  // original's step factor per element
  std::vector<double> step_factor(n);
  double mean_square = 0.0;
  for (double s : in.scale)
    mean_square += s * s / static_cast<double>(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (!compat) {
      step_factor[i] = in.scale[i] / mean_square;
    } else if (int8_cells) {
      step_factor[i] = 127.0 / std::max(in.absmax, 1e-12);
    } else {
      step_factor[i] = in.multiplier[i];
    }
  }
  const double rows = static_cast<double>(in.rows);
  const double cols = static_cast<double>(in.cols);
  const double aspect = std::max(rows, cols) / std::min(rows, cols);
  const double rho = std::abs(rows - cols) / std::max(rows, cols);
  double factor = h.lr_factor;
  if (h.lr_shape_influence > 0.0 && !(!original && int8_cells)) {
    factor = h.lr_factor +
             (std::pow(h.lr_factor, std::sqrt(aspect)) - h.lr_factor) * h.lr_shape_influence;
  }

  std::vector<double> q(in.start.begin(), in.start.end());
  std::vector<double> delta(n, 0.0), m(n, 0.0), v(n, 0.0), best_delta(n, 0.0);
  std::vector<double> best_q = q;
  double lr = h.lr;
  double best = std::numeric_limits<double>::infinity();
  std::int64_t worse = 0, plateau = 0, cooldown = 0;
  for (std::int64_t i = 0; i < h.num_iter; ++i) {
    Matrix e(n);
    for (std::size_t j = 0; j < n; ++j)
      e[j] = (q[j] + delta[j]) * in.scale[j] - in.weight[j];
    Matrix p = project(in, e);
    const double loss = frobenius(p);
    for (double& x : p)
      x /= std::max(loss, 1e-20);
    const Matrix g = expand(in, p);

    const std::vector<double> delta_before = delta;
    if (!original) {
      std::vector<double> gradient(n);
      for (std::size_t j = 0; j < n; ++j)
        gradient[j] = g[j] * in.scale[j];
      adam_step(method, lr, h, i + 1, gradient, delta, m, v);
    }

    bool improved = loss < best;
    if (h.lr_threshold > 0.0) {
      improved = h.lr_threshold_mode == "rel" ? loss < best * (1.0 - h.lr_threshold)
                                              : best - loss > h.lr_threshold;
    }
    const std::int64_t worse_before = worse;
    if (improved) {
      best = loss;
      best_q = q;
      best_delta = compat ? delta : delta_before;
      plateau = 0;
      if (original || h.lr_adaptive_mode == "simple-reset") worse = 0;
    } else {
      ++worse;
      ++plateau;
    }

    if (h.lr_schedule == "exponential") {
      lr = std::max(lr * h.lr_gamma, h.lr_min);
    } else if (h.lr_schedule == "plateau") {
      if (cooldown > 0) {
        --cooldown;
      } else if (plateau >= h.lr_patience) {
        if (lr > h.lr_min) {
          lr = std::max(lr * factor, h.lr_min);
          cooldown = h.lr_cooldown;
        }
        plateau = 0;
      }
    } else {
      const double c = static_cast<double>(improved ? worse_before : worse);
      const double t =
          std::min(c / static_cast<double>(std::max<std::int64_t>(h.early_stop_stall, 1)), 1.0);
      const double u = (1.0 + std::cos(2.0 * std::numbers::pi * t)) / 2.0;
      if (improved) {
        lr = std::min(lr * (1.0 + 0.25 * (1.0 + 0.5 * rho) * (1.0 - u)), 100.0);
        if (h.lr_adaptive_mode == "no-reset") worse = 0;
      } else if (i % std::max<std::int64_t>(h.lr_cooldown, 1) == 0) {
        const double d_min = h.lr_factor - 0.03 * rho;
        lr = std::max(lr * (d_min + (0.995 - d_min) * u), h.early_stop_lr);
      }
    }

    const double stop_loss = original ? loss : best;
    std::string reason;
    if (stop_loss <= h.early_stop_loss) {
      reason = "loss at or below early_stop_loss";
    } else if (lr <= h.early_stop_lr) {
      reason = "lr at or below early_stop_lr";
    } else if (worse > h.early_stop_stall) {
      reason = "no improvement for more than early_stop_stall iterations";
    }
    if (!reason.empty()) {
      std::vector<double> result = original ? best_q : q;
      if (!original) {
        for (std::size_t j = 0; j < n; ++j)
          result[j] += best_delta[j];
      }
      return {result, i + 1, reason};
    }
    if (original) {
      for (std::size_t j = 0; j < n; ++j)
        q[j] -= lr * g[j] * step_factor[j];
    }
  }
  std::vector<double> result = best_q;
  if (!original) {
    for (std::size_t j = 0; j < n; ++j)
      result[j] += best_delta[j];
  }
  return {result, h.num_iter, "num_iter iterations done"};
}

struct Case {
  std::string name;
  std::string method;
  std::string format;
  OptionTexts format_options;
  std::int64_t rows;
  std::int64_t cols;
  std::int64_t k;
  bool reference_compat;
  // Sets the hyper-parameters from the start loss ||uᵀ(Q0 ⊙ scale - W) v||, so that the run
  // stays far above float rounding noise.
  std::function<void(Hyper&, double start_loss)> tune;
};

void PrintTo(const Case& c, std::ostream* out) {
  *out << c.name;
}

// u diag(0.5 0.95^i) vᵀ for random orthonormal u, v.
std::vector<float> known_spectrum_weight(std::int64_t rows, std::int64_t cols) {
  const std::int64_t r = std::min(rows, cols);
  Rng rng(1000 + static_cast<std::uint64_t>(rows * 7 + cols));
  const Matrix u = orthonormal_columns(rows, r, rng);
  const Matrix v = orthonormal_columns(cols, r, rng);
  std::vector<float> weight(static_cast<std::size_t>(rows * cols));
  for (std::int64_t i = 0; i < rows; ++i) {
    for (std::int64_t j = 0; j < cols; ++j) {
      double sum = 0.0;
      for (std::int64_t a = 0; a < r; ++a)
        sum += 0.5 * std::pow(0.95, static_cast<double>(a)) * u[i * r + a] * v[j * r + a];
      weight[i * cols + j] = static_cast<float>(sum);
    }
  }
  return weight;
}

std::vector<double> per_element(Backend& backend, const DeviceTensor& cells,
                                const ScaleLayout& layout, std::int64_t rows, std::int64_t cols) {
  const std::vector<float> values = download_floats(backend, cells);
  std::vector<double> expanded;
  for (std::int64_t i = 0; i < rows; ++i) {
    for (std::int64_t j = 0; j < cols; ++j)
      expanded.push_back(values[static_cast<std::size_t>(cell_index(layout, cols, i, j))]);
  }
  return expanded;
}

Inputs make_inputs(Backend& backend, const Case& c) {
  Inputs in;
  in.rows = c.rows;
  in.cols = c.cols;
  in.k = c.k;
  in.info = {"blocks.0.linear.weight", DType::F32, {c.rows, c.cols}};
  in.weight = known_spectrum_weight(c.rows, c.cols);
  in.weight_tensor = upload_floats(backend, in.weight, in.info.shape);
  const TruncatedSvd svd = exact_svd(backend, in.weight_tensor, c.k);
  // Exactly orthonormal in double, as the reference's loop assumes.
  in.u = widened(download_floats(backend, svd.u));
  in.v = widened(download_floats(backend, svd.v));
  orthonormalize(in.u, c.rows, c.k);
  orthonormalize(in.v, c.cols, c.k);
  in.subspace_norm = frobenius(project(in, widened(in.weight)));

  in.quantization =
      make_format(c.format, c.format_options)->prepare(backend, in.info, in.weight_tensor);
  const LayerQuantization& q = in.quantization;
  in.scale = per_element(backend, q.scale, q.layout, c.rows, c.cols);
  in.multiplier = per_element(backend, q.multiplier, q.layout, c.rows, c.cols);
  for (float w : in.weight)
    in.absmax = std::max(in.absmax, std::fabs(static_cast<double>(w)));
  in.start =
      download_floats(backend, backend.quantize(in.weight_tensor, q.multiplier, q.layout, q.grid));
  return in;
}

// One unit in the last place of the grid at the larger magnitude.
double grid_step(const Grid& grid, double a, double b) {
  if (grid == Grid::int8()) return 1.0;
  const double magnitude = std::max(std::fabs(a), std::fabs(b));
  if (magnitude < std::ldexp(1.0, -6)) return std::ldexp(1.0, -9);
  return std::ldexp(1.0, static_cast<int>(std::floor(std::log2(magnitude))) - 3);
}

class OptimizerMath : public ::testing::TestWithParam<Case> {
 protected:
  std::unique_ptr<Backend> backend_ = make_backend("cpu");
};

TEST_P(OptimizerMath, FollowsTheReferenceLoop) {
  const Case& c = GetParam();
  const Inputs in = make_inputs(*backend_, c);
  const double start_loss = projected_loss(in, widened(in.start));
  Hyper h;
  h.weight_decay = c.method == "adamw" ? 0.01 : 0.0;
  c.tune(h, start_loss);

  const Outcome expected = reference_run(in, c.method, h, c.reference_compat);
  const RoundingResult result = make_optimizer(c.method, option_texts(c.method, h, c.k))
                                    ->optimize({*backend_, in.info, in.weight_tensor,
                                                in.quantization, 7, c.reference_compat});

  EXPECT_EQ(result.rank, c.k);
  EXPECT_EQ(result.stop_reason, expected.stop_reason);
  EXPECT_EQ(result.iterations, expected.iterations);

  const Grid& grid = in.quantization.grid;
  const std::vector<float> best(expected.best.begin(), expected.best.end());
  const DeviceTensor one = upload_floats(*backend_, {1.0f}, {1, 1});
  const std::vector<float> rounded =
      download_floats(*backend_, backend_->quantize(upload_floats(*backend_, best, in.info.shape),
                                                    one, ScaleLayout::per_tensor(), grid));
  const std::vector<float> actual = download_floats(*backend_, result.grid_values);
  ASSERT_EQ(actual.size(), rounded.size());
  int mismatches = 0;
  int moved = 0;
  for (std::size_t i = 0; i < actual.size(); ++i) {
    moved += rounded[i] != in.start[i];
    if (actual[i] == rounded[i]) continue;
    ++mismatches;
    EXPECT_LE(std::fabs(actual[i] - rounded[i]), grid_step(grid, actual[i], rounded[i]))
        << "element " << i;
  }
  // float against double: an element whose optimized value lies next to a rounding boundary
  EXPECT_LE(mismatches, 2) << "of " << actual.size() << " elements";
  EXPECT_GT(moved, 0) << "the case does not exercise the loop: the result is round-to-nearest";

  const double rtn_error = start_loss / in.subspace_norm;
  EXPECT_NEAR(result.projected_error_rtn, rtn_error, 1e-4 * rtn_error);
  const double expected_error = projected_loss(in, widened(rounded)) / in.subspace_norm;
  EXPECT_NEAR(result.projected_error, expected_error, 1e-2 * expected_error);
}

// original: a step of lr moves the loss by about lr; start near an eighth of it (not a divisor:
// landing on zero would leave only rounding noise to compare) and stop two orders of magnitude
// lower, far above float noise.
void descent(Hyper& h, double loss) {
  h.lr = loss / 7.7;
  h.lr_min = loss * 1e-3;
  h.early_stop_lr = loss * 1e-2;
}

// adamw/radam: lr is in grid steps per element. Adam's sign-like steps amplify rounding
// differences over many iterations, so the runs stop after some dozens.
void moments(Hyper& h, double) {
  h.eps = 1e-7;
  h.lr = 0.2;
  h.lr_min = 1e-3;
  h.early_stop_lr = 0.02;
  h.num_iter = 300;
}

// int8 steps are coarse: moves of half a step need long steps and the full-rank subspace.
void int8_moments(Hyper& h, double loss) {
  moments(h, loss);
  h.eps = 1e-6;
  h.lr = 0.8;
  h.early_stop_lr = 0.08;
  h.lr_min = 0.008;
}

std::vector<Case> cases() {
  const OptionTexts fp8_row = {{"scale", "row"}};
  const OptionTexts fp8_block = {{"scale", "block"}, {"block_size", "32"}};
  const OptionTexts int8_block = {{"scale", "block"}, {"block_size", "64"}};
  const OptionTexts int8_row = {{"scale", "row"}};
  const OptionTexts int8_tensor = {{"scale", "tensor"}};
  return {
      {"original_fp8_tensor", "original", "fp8", {}, 96, 64, 6, false, descent},
      {"original_fp8_tensor_compat_rel_threshold",
       "original",
       "fp8",
       {},
       64,
       96,
       6,
       true,
       [](Hyper& h, double loss) {
         descent(h, loss);
         h.lr_threshold = 0.02;
       }},
      {"original_fp8_block_compat_exponential", "original", "fp8", fp8_block, 64, 96, 6, true,
       [](Hyper& h, double loss) {
         descent(h, loss);
         h.lr_schedule = "exponential";
         h.lr_gamma = 0.97;
       }},
      {"original_fp8_row_patience_cooldown", "original", "fp8", fp8_row, 96, 64, 6, false,
       [](Hyper& h, double loss) {
         descent(h, loss);
         h.lr_patience = 2;
         h.lr_cooldown = 2;
         h.lr_factor = 0.9;
       }},
      {"original_fp8_tensor_stall",
       "original",
       "fp8",
       {},
       96,
       64,
       6,
       false,
       [](Hyper& h, double loss) {
         descent(h, loss);
         h.lr_schedule = "exponential";
         h.lr_gamma = 1.0;
         h.early_stop_stall = 12;
         h.lr_threshold = 0.01;  // the line revisits its points: no rounding ties
       }},
      {"original_fp8_row_loss_target", "original", "fp8", fp8_row, 64, 96, 6, false,
       [](Hyper& h, double loss) {
         descent(h, loss);
         h.early_stop_loss = loss * 0.45;
       }},
      {"original_fp8_tensor_num_iter",
       "original",
       "fp8",
       {},
       64,
       96,
       6,
       false,
       [](Hyper& h, double loss) {
         descent(h, loss);
         h.num_iter = 5;
       }},
      // per-row scales in a wider subspace: original's per-row k-space path, and the line for the
      // reference's fp8
      {"original_fp8_row_wide", "original", "fp8", fp8_row, 64, 96, 32, false, descent},
      {"original_fp8_row_wide_stall", "original", "fp8", fp8_row, 96, 64, 32, false,
       [](Hyper& h, double loss) {
         descent(h, loss);
         h.lr_schedule = "exponential";
         h.lr_gamma = 1.0;
         h.early_stop_stall = 12;
         h.lr_threshold = 0.01;
       }},
      {"original_fp8_row_wide_exponential", "original", "fp8", fp8_row, 96, 64, 32, false,
       [](Hyper& h, double loss) {
         descent(h, loss);
         h.lr_schedule = "exponential";
         h.lr_gamma = 0.97;
       }},
      {"original_fp8_row_wide_compat", "original", "fp8", fp8_row, 64, 96, 32, true, descent},
      {"original_int8_block_compat", "original", "int8_block", int8_block, 64, 128, 64, true,
       descent},
      {"original_int8_block_adaptive", "original", "int8_block", int8_block, 128, 64, 64, false,
       [](Hyper& h, double loss) {
         descent(h, loss);
         h.lr_schedule = "adaptive";
         h.early_stop_stall = 60;
         h.num_iter = 400;
       }},
      {"original_int8_row_compat_adaptive_cooldown", "original", "int8_block", int8_row, 64, 96, 64,
       true,
       [](Hyper& h, double loss) {
         descent(h, loss);
         h.lr_schedule = "adaptive";
         h.lr_adaptive_mode = "no-reset";
         h.lr_cooldown = 3;
         h.early_stop_stall = 30;
         h.num_iter = 120;
       }},
      {"original_int8_row", "original", "int8_block", int8_row, 96, 64, 64, false, descent},
      {"original_int8_row_abs_threshold", "original", "int8_block", int8_row, 64, 96, 64, false,
       [](Hyper& h, double loss) {
         descent(h, loss);
         h.lr_threshold = loss * 1e-3;
         h.lr_threshold_mode = "abs";
       }},
      {"original_int8_tensor_compat_abs_threshold", "original", "int8_block", int8_tensor, 96, 64,
       40, true,
       [](Hyper& h, double loss) {
         descent(h, loss);
         h.lr_threshold = loss * 1e-3;
         h.lr_threshold_mode = "abs";
       }},
      {"adamw_fp8_tensor", "adamw", "fp8", {}, 96, 64, 6, false, moments},
      {"adamw_fp8_tensor_compat", "adamw", "fp8", {}, 96, 64, 6, true, moments},
      {"adamw_fp8_block_adaptive", "adamw", "fp8", fp8_block, 64, 96, 6, false,
       [](Hyper& h, double loss) {
         moments(h, loss);
         h.lr_schedule = "adaptive";
         h.early_stop_stall = 40;
         h.num_iter = 60;
       }},
      {"adamw_int8_block_weight_decay", "adamw", "int8_block", int8_block, 64, 128, 64, false,
       [](Hyper& h, double loss) {
         int8_moments(h, loss);
         h.early_stop_lr = 0.2;
         h.weight_decay = 0.5;
       }},
      {"radam_fp8_row_compat_exponential", "radam", "fp8", fp8_row, 96, 64, 6, true,
       [](Hyper& h, double loss) {
         moments(h, loss);
         h.lr_schedule = "exponential";
         h.lr_gamma = 0.95;
       }},
      {"radam_int8_tensor_adaptive_no_reset", "radam", "int8_block", int8_tensor, 64, 96, 64, false,
       [](Hyper& h, double loss) {
         int8_moments(h, loss);
         h.lr_schedule = "adaptive";
         h.lr_adaptive_mode = "no-reset";
         h.early_stop_stall = 40;
         h.num_iter = 60;
       }},
      {"radam_fp8_block_weight_decay", "radam", "fp8", fp8_block, 96, 64, 6, false,
       [](Hyper& h, double loss) {
         moments(h, loss);
         h.lr = 1.0;  // RAdam's first, rectified steps are short
         h.early_stop_lr = 0.1;
         h.weight_decay = 0.3;
       }},
      {"radam_int8_row_compat_no_reset_stall", "radam", "int8_block", int8_row, 96, 64, 64, true,
       [](Hyper& h, double loss) {
         int8_moments(h, loss);
         h.lr_adaptive_mode = "no-reset";
         h.lr_schedule = "exponential";
         h.lr_gamma = 1.0;
         h.early_stop_stall = 25;
       }},
  };
}

INSTANTIATE_TEST_SUITE_P(Optimizers, OptimizerMath, ::testing::ValuesIn(cases()),
                         [](const auto& param_info) { return param_info.param.name; });

}  // namespace
}  // namespace lrq::test
