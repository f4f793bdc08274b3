#include "support/correlated_inputs.hpp"

#include <cmath>

#include "lrq/rng.hpp"

namespace lrq::test {

InputDistribution correlated_inputs(std::int64_t width, std::uint64_t seed, std::int64_t directions,
                                    double dominant_energy) {
  Rng rng(seed);
  InputDistribution d{width, {}, {}, {}, directions};
  const auto k = static_cast<std::size_t>(width);
  d.scale.resize(k);
  double noise_energy = 0.0;
  for (std::size_t i = 0; i < k; ++i) {
    d.scale[i] = std::pow(10.0, 2.0 * rng.uniform() - 1.0);
  }
  const std::int64_t outliers = std::max<std::int64_t>(1, width / 200);
  for (std::int64_t i = 0; i < outliers; ++i)
    d.scale[static_cast<std::size_t>((i * 7919 + 13) % width)] *= 20.0;
  for (const double s : d.scale)
    noise_energy += s * s;
  d.mean.resize(k);
  for (std::size_t i = 0; i < k; ++i)
    d.mean[i] = 0.5 * d.scale[i] * rng.normal();
  d.dominant.resize(k * static_cast<std::size_t>(directions));
  double dominant = 0.0;
  for (std::size_t i = 0; i < d.dominant.size(); ++i) {
    d.dominant[i] = d.scale[i / static_cast<std::size_t>(directions)] * rng.normal();
    dominant += d.dominant[i] * d.dominant[i];
  }
  const double factor = std::sqrt(dominant_energy * noise_energy / dominant);
  for (double& value : d.dominant)
    value *= factor;
  return d;
}

InputSample sample_inputs(const InputDistribution& distribution, std::int64_t count,
                          std::uint64_t seed) {
  Rng rng(seed);
  const auto k = static_cast<std::size_t>(distribution.width);
  const auto directions = static_cast<std::size_t>(distribution.directions);
  InputSample sample{count, std::vector<double>(k), std::vector<double>(k * k)};
  std::vector<double> x(k);
  std::vector<double> g(directions);
  for (std::int64_t n = 0; n < count; ++n) {
    for (double& value : g)
      value = rng.normal();
    for (std::size_t i = 0; i < k; ++i) {
      double value = distribution.mean[i] + distribution.scale[i] * rng.normal();
      for (std::size_t j = 0; j < directions; ++j)
        value += distribution.dominant[i * directions + j] * g[j];
      x[i] = value;
      sample.mean[i] += value;
    }
    for (std::size_t i = 0; i < k; ++i) {
      double* row = sample.gram.data() + i * k;
      for (std::size_t j = 0; j <= i; ++j)
        row[j] += x[i] * x[j];
    }
  }
  const double n = static_cast<double>(count);
  for (std::size_t i = 0; i < k; ++i) {
    sample.mean[i] /= n;
    for (std::size_t j = 0; j <= i; ++j) {
      sample.gram[i * k + j] /= n;
      sample.gram[j * k + i] = sample.gram[i * k + j];
    }
  }
  return sample;
}

double expected_output_error(const std::vector<double>& error, std::int64_t rows,
                             const std::vector<double>& gram) {
  const std::size_t k = gram.size() == 0 ? 0 : static_cast<std::size_t>(std::sqrt(gram.size()));
  double total = 0.0;
  for (std::int64_t r = 0; r < rows; ++r) {
    const double* e = error.data() + static_cast<std::size_t>(r) * k;
    for (std::size_t i = 0; i < k; ++i) {
      double inner = 0.0;
      for (std::size_t j = 0; j < k; ++j)
        inner += gram[i * k + j] * e[j];
      total += e[i] * inner;
    }
  }
  return total;
}

}  // namespace lrq::test
