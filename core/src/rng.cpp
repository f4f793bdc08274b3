#include "lrq/rng.hpp"

#include <bit>
#include <cmath>
#include <numbers>

namespace lrq {

namespace {

constexpr std::uint64_t kGoldenGamma = 0x9E37'79B9'7F4A'7C15u;

// The splitmix64 output function (a bijection on 64-bit words).
constexpr std::uint64_t splitmix64_mix(std::uint64_t z) noexcept {
  z = (z ^ (z >> 30)) * 0xBF58'476D'1CE4'E5B9u;
  z = (z ^ (z >> 27)) * 0x94D0'49BB'1331'11EBu;
  return z ^ (z >> 31);
}

}  // namespace

Rng::Rng(std::uint64_t seed) noexcept {
  // The splitmix64 generator started at `seed`; its outputs are never all zero.
  std::uint64_t counter = seed;
  for (std::uint64_t& word : state_) {
    counter += kGoldenGamma;
    word = splitmix64_mix(counter);
  }
}

std::uint64_t Rng::next_u64() noexcept {
  const std::uint64_t result = std::rotl(state_[1] * 5, 7) * 9;
  const std::uint64_t t = state_[1] << 17;
  state_[2] ^= state_[0];
  state_[3] ^= state_[1];
  state_[1] ^= state_[2];
  state_[0] ^= state_[3];
  state_[2] ^= t;
  state_[3] = std::rotl(state_[3], 45);
  return result;
}

double Rng::uniform() noexcept {
  return static_cast<double>(next_u64() >> 11) * 0x1p-53;
}

double Rng::normal() noexcept {
  const double u1 = 1.0 - uniform();  // (0, 1], so the logarithm is finite
  const double u2 = uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

Rng Rng::fork(std::uint64_t index) const noexcept {
  // h = 0; for each state word w (state_[0] first): h = mix(h ^ w); seed = mix(h ^ (index * gamma))
  // with mix the splitmix64 output function and gamma its increment; the fork is Rng(seed).
  // Every step is a bijection in its new input, so distinct indices give distinct seeds.
  std::uint64_t h = 0;
  for (const std::uint64_t word : state_) {
    h = splitmix64_mix(h ^ word);
  }
  return Rng(splitmix64_mix(h ^ (index * kGoldenGamma)));
}

void fill_normal_rows(const Rng& rng, std::span<float> values, std::int64_t row_length) {
  const auto rows = static_cast<std::int64_t>(values.size()) / row_length;
#pragma omp parallel for schedule(static)
  for (std::int64_t row = 0; row < rows; ++row) {
    Rng row_rng = rng.fork(static_cast<std::uint64_t>(row));
    for (float& value : values.subspan(static_cast<std::size_t>(row * row_length),
                                       static_cast<std::size_t>(row_length))) {
      value = static_cast<float>(row_rng.normal());
    }
  }
}

}  // namespace lrq
