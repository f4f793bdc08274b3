// Synthetic layer inputs with the structure of real activations: per-channel scales spanning 100x,
// a few outlier channels, a non-zero mean and a few directions that carry most of the energy;
// and the statistics (count, mean, second moment) of a sample drawn from them.
#pragma once

#include <cstdint>
#include <vector>

namespace lrq::test {

struct InputDistribution {
  std::int64_t width = 0;
  std::vector<double> scale;     // [K] per-channel noise scale
  std::vector<double> mean;      // [K]
  std::vector<double> dominant;  // [K, d] shared directions
  std::int64_t directions = 0;
};

// The distribution is fixed by (width, seed); `dominant_energy` is the shared directions' energy
// as a multiple of the noise's.
InputDistribution correlated_inputs(std::int64_t width, std::uint64_t seed,
                                    std::int64_t directions = 8, double dominant_energy = 4.0);

struct InputSample {
  std::int64_t count = 0;
  std::vector<double> mean;  // [K]
  std::vector<double> gram;  // [K, K] = Σ xᵀx / count
};

// The statistics of `count` vectors drawn from the distribution with `seed`.
InputSample sample_inputs(const InputDistribution& distribution, std::int64_t count,
                          std::uint64_t seed);

// tr(E H Eᵀ) for E [rows, K] row-major and H [K, K], in double.
double expected_output_error(const std::vector<double>& error, std::int64_t rows,
                             const std::vector<double>& gram);

}  // namespace lrq::test
