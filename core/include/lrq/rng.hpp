// The one random-number algorithm of lrq (xoshiro256** seeded through splitmix64), so that a seed
// gives the same numbers on every backend and machine.
#pragma once

#include <cstdint>
#include <span>

namespace lrq {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) noexcept;

  std::uint64_t next_u64() noexcept;
  double uniform() noexcept;  // [0, 1), 53 random bits
  double normal() noexcept;   // standard normal (Box-Muller; one value per call, no caching)

  // An independent generator for stream `index` (e.g. one per layer or per thread).
  Rng fork(std::uint64_t index) const noexcept;

 private:
  std::uint64_t state_[4];
};

// Fills `values`, rows of `row_length` standard normal values, drawing row r from rng.fork(r): the
// same numbers whatever the thread count, drawn on every core (test matrices and calibration
// inputs run to tens of millions of values).
void fill_normal_rows(const Rng& rng, std::span<float> values, std::int64_t row_length);

}  // namespace lrq
