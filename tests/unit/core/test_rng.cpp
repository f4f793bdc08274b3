#include "lrq/rng.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <vector>

namespace {

// The pinned values below come from an independent implementation of splitmix64-seeded
// xoshiro256** (and of the documented fork formula), written in Python. A change to any of the
// algorithms, the seeding or the fork formula changes them.

TEST(Rng, PinnedU64Sequences) {
  lrq::Rng zero(0);
  for (const std::uint64_t expected :
       {0x99EC5F36CB75F2B4u, 0xBF6E1F784956452Au, 0x1A5F849D4933E6E0u, 0x6AA594F1262D2D2Cu,
        0xBBA5AD4A1F842E59u}) {
    EXPECT_EQ(zero.next_u64(), expected);
  }
  lrq::Rng forty_two(42);
  for (const std::uint64_t expected :
       {0x15780B2E0C2EC716u, 0x6104D9866D113A7Eu, 0xAE17533239E499A1u, 0xECB8AD4703B360A1u,
        0xFDE6DC7FE2EC5E64u}) {
    EXPECT_EQ(forty_two.next_u64(), expected);
  }
}

TEST(Rng, PinnedUniformAndNormal) {
  lrq::Rng uniform(12345);
  EXPECT_EQ(uniform.uniform(), 0.7438081631565894);
  EXPECT_EQ(uniform.uniform(), 0.13004553462783452);
  EXPECT_EQ(uniform.uniform(), 0.9633344930128545);
  // log/cos come from the C library, which need not be correctly rounded everywhere.
  lrq::Rng normal(12345);
  EXPECT_DOUBLE_EQ(normal.normal(), 1.129398567405541);
  EXPECT_DOUBLE_EQ(normal.normal(), 2.453652515653584);
  EXPECT_DOUBLE_EQ(normal.normal(), 1.2700007394112018);
}

TEST(Rng, PinnedFork) {
  const lrq::Rng parent(7);
  lrq::Rng child = parent.fork(3);
  EXPECT_EQ(child.next_u64(), 0x64A5A786AE3470F7u);
  EXPECT_EQ(child.next_u64(), 0x667128A961246EACu);
  EXPECT_EQ(child.next_u64(), 0xF8977AD603DB2630u);
}

TEST(Rng, UniformIsTheTop53BitsOfNextU64) {
  lrq::Rng a(99);
  lrq::Rng b(99);
  for (int i = 0; i < 1000; ++i) {
    const double u = a.uniform();
    EXPECT_EQ(u, static_cast<double>(b.next_u64() >> 11) * 0x1p-53);
    EXPECT_GE(u, 0.0);
    EXPECT_LT(u, 1.0);
  }
}

TEST(Rng, NormalUsesTwoUniformsPerCall) {
  lrq::Rng a(5);
  lrq::Rng b(5);
  for (int i = 0; i < 100; ++i) {
    const double u1 = 1.0 - b.uniform();
    const double u2 = b.uniform();
    EXPECT_DOUBLE_EQ(a.normal(),
                     std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2));
  }
}

TEST(Rng, SameSeedSameSequenceDifferentSeedDifferent) {
  lrq::Rng a(2024);
  lrq::Rng b(2024);
  lrq::Rng c(2025);
  int equal_to_c = 0;
  for (int i = 0; i < 1000; ++i) {
    const std::uint64_t x = a.next_u64();
    EXPECT_EQ(x, b.next_u64());
    equal_to_c += x == c.next_u64() ? 1 : 0;
  }
  EXPECT_EQ(equal_to_c, 0);
}

TEST(Rng, ForkIsDeterministicAndDoesNotAdvanceTheParent) {
  lrq::Rng parent(11);
  const lrq::Rng copy = parent;
  lrq::Rng first = parent.fork(5);
  lrq::Rng second = parent.fork(5);
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(first.next_u64(), second.next_u64());
  }
  lrq::Rng untouched = copy;
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(parent.next_u64(), untouched.next_u64());
  }
}

TEST(Rng, ForkDependsOnIndexAndOnParentState) {
  const lrq::Rng parent(11);
  lrq::Rng advanced(11);
  advanced.next_u64();
  std::vector<std::uint64_t> firsts;
  for (std::uint64_t index = 0; index < 1000; ++index) {
    firsts.push_back(parent.fork(index).next_u64());
  }
  firsts.push_back(advanced.fork(0).next_u64());
  firsts.push_back(lrq::Rng(parent).next_u64());
  std::sort(firsts.begin(), firsts.end());
  EXPECT_EQ(std::adjacent_find(firsts.begin(), firsts.end()), firsts.end());
}

TEST(Rng, ForkedStreamsAreUncorrelated) {
  // Pearson correlation of n independent uniform pairs has standard deviation 1/sqrt(n); allow
  // five of them, between siblings and between parent and child.
  constexpr int kSamples = 200'000;
  const lrq::Rng parent(31337);
  lrq::Rng a = parent.fork(0);
  lrq::Rng b = parent.fork(1);
  lrq::Rng p = parent;
  double sum_a = 0, sum_b = 0, sum_p = 0, sum_aa = 0, sum_bb = 0, sum_pp = 0, sum_ab = 0,
         sum_ap = 0;
  for (int i = 0; i < kSamples; ++i) {
    const double x = a.uniform(), y = b.uniform(), z = p.uniform();
    sum_a += x, sum_b += y, sum_p += z;
    sum_aa += x * x, sum_bb += y * y, sum_pp += z * z;
    sum_ab += x * y, sum_ap += x * z;
  }
  const auto correlation = [&](double sxy, double sx, double sy, double sxx, double syy) {
    const double n = kSamples;
    return (sxy / n - sx / n * sy / n) /
           std::sqrt((sxx / n - sx / n * sx / n) * (syy / n - sy / n * sy / n));
  };
  const double tolerance = 5.0 / std::sqrt(kSamples);
  EXPECT_LT(std::fabs(correlation(sum_ab, sum_a, sum_b, sum_aa, sum_bb)), tolerance);
  EXPECT_LT(std::fabs(correlation(sum_ap, sum_a, sum_p, sum_aa, sum_pp)), tolerance);
}

TEST(Rng, UniformMoments) {
  // Mean 1/2 with standard error sqrt(1/12 / n); five standard errors allowed.
  constexpr int kSamples = 1'000'000;
  lrq::Rng rng(8);
  double sum = 0;
  for (int i = 0; i < kSamples; ++i) {
    sum += rng.uniform();
  }
  EXPECT_NEAR(sum / kSamples, 0.5, 5 * std::sqrt(1.0 / 12 / kSamples));
}

TEST(Rng, NormalMomentsAndShape) {
  // Over n standard normal samples: the mean has standard error 1/sqrt(n) (0.001), the variance
  // sqrt(2/n) (0.0014), the fraction within one sigma sqrt(p(1-p)/n) (0.00047, p = 0.6827); five
  // standard errors allowed each. Every value must be finite.
  constexpr int kSamples = 1'000'000;
  lrq::Rng rng(1234);
  double sum = 0, sum_squares = 0;
  int within_one = 0;
  for (int i = 0; i < kSamples; ++i) {
    const double z = rng.normal();
    ASSERT_TRUE(std::isfinite(z));
    sum += z;
    sum_squares += z * z;
    within_one += std::fabs(z) < 1.0 ? 1 : 0;
  }
  const double n = kSamples;
  const double mean = sum / n;
  const double variance = sum_squares / n - mean * mean;
  EXPECT_NEAR(mean, 0.0, 5 / std::sqrt(n));
  EXPECT_NEAR(variance, 1.0, 5 * std::sqrt(2 / n));
  const double p = 0.682689492137086;
  EXPECT_NEAR(within_one / n, p, 5 * std::sqrt(p * (1 - p) / n));
}

}  // namespace

TEST(Rng, FillNormalRowsDrawsRowRFromForkR) {
  const lrq::Rng rng(11);
  constexpr std::int64_t kRowLength = 7;
  std::vector<float> values(5 * kRowLength);
  lrq::fill_normal_rows(rng, values, kRowLength);
  for (std::int64_t row = 0; row < 5; ++row) {
    lrq::Rng expected = rng.fork(static_cast<std::uint64_t>(row));
    for (std::int64_t col = 0; col < kRowLength; ++col) {
      EXPECT_EQ(values[static_cast<std::size_t>(row * kRowLength + col)],
                static_cast<float>(expected.normal()))
          << "row " << row << " column " << col;
    }
  }
}
