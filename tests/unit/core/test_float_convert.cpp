// The conversions are checked against references written here from the format definitions alone:
// decoding builds each value from its sign, exponent and mantissa fields with std::ldexp, and
// encoding is a brute-force nearest search over the sorted list of all finite values, with ties
// going to the even code. Neither shares an algorithm with the bit-level implementation.
#include "lrq/float_convert.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "lrq/error.hpp"

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Format {
  const char* name;
  int exponent_bits;
  int mantissa_bits;
  // IEEE: the all-ones exponent holds infinities and NaNs. Otherwise (e4m3fn) only the all-ones
  // code is NaN and there is no infinity.
  bool ieee_specials;

  int bias() const { return (1 << (exponent_bits - 1)) - 1; }
  std::uint32_t sign_bit() const { return 1u << (exponent_bits + mantissa_bits); }
  std::uint32_t code_count() const { return sign_bit() << 1; }
  std::uint32_t infinity_code() const { return ((1u << exponent_bits) - 1) << mantissa_bits; }
  std::uint32_t quiet_bit() const { return 1u << (mantissa_bits - 1); }
};

constexpr Format kBf16{"bf16", 8, 7, true};
constexpr Format kF16{"f16", 5, 10, true};
constexpr Format kE4m3fn{"e4m3fn", 4, 3, false};
constexpr Format kE5m2{"e5m2", 5, 2, true};

double reference_decode(const Format& format, std::uint32_t code) {
  const int m_bits = format.mantissa_bits;
  const bool negative = (code & format.sign_bit()) != 0;
  const auto exponent = static_cast<int>((code >> m_bits) & ((1u << format.exponent_bits) - 1));
  const std::uint32_t mantissa = code & ((1u << m_bits) - 1);
  const int max_exponent = (1 << format.exponent_bits) - 1;
  double magnitude = 0;
  if (format.ieee_specials && exponent == max_exponent) {
    magnitude = mantissa == 0 ? kInf : kNaN;
  } else if (!format.ieee_specials && exponent == max_exponent && mantissa == (1u << m_bits) - 1) {
    magnitude = kNaN;
  } else if (exponent == 0) {
    magnitude = std::ldexp(static_cast<double>(mantissa), 1 - format.bias() - m_bits);
  } else {
    magnitude = std::ldexp(static_cast<double>((1u << m_bits) | mantissa),
                           exponent - format.bias() - m_bits);
  }
  return negative ? -magnitude : magnitude;
}

// Same value and sign (so +0 and -0 differ); any NaN matches a NaN of the same sign.
::testing::AssertionResult same_float(float actual, double expected) {
  if (std::isnan(expected)) {
    if (std::isnan(actual) && std::signbit(actual) == std::signbit(expected)) {
      return ::testing::AssertionSuccess();
    }
  } else if (std::bit_cast<std::uint32_t>(actual) ==
             std::bit_cast<std::uint32_t>(static_cast<float>(expected))) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "got " << actual << " (0x" << std::hex << std::bit_cast<std::uint32_t>(actual)
         << "), expected " << expected;
}

float from_bits(std::uint32_t bits) {
  return std::bit_cast<float>(bits);
}

// Nearest-value encoder by search over the non-negative finite values. For IEEE formats the list
// ends with 2^(emax+1) standing for infinity: rounding as if the exponent were unbounded and then
// overflowing is the IEEE rule, and the infinity code has an even (zero) mantissa. e4m3fn has no
// such entry, so anything beyond its maximum saturates to it.
class NearestReference {
 public:
  struct Entry {
    double value;
    std::uint32_t code;
  };

  explicit NearestReference(const Format& format) : format_(format) {
    for (std::uint32_t code = 0; code < format.sign_bit(); ++code) {
      const double value = reference_decode(format, code);
      if (std::isfinite(value)) entries_.push_back({value, code});
    }
    if (format.ieee_specials) {
      const double top = std::ldexp(1.0, (1 << format.exponent_bits) - 1 - format.bias());
      entries_.push_back({top, format.infinity_code()});
    }
    sorted_ = std::is_sorted(entries_.begin(), entries_.end(),
                             [](const Entry& a, const Entry& b) { return a.value < b.value; });
  }

  bool sorted() const { return sorted_; }
  const std::vector<Entry>& entries() const { return entries_; }
  const Format& format() const { return format_; }

  // Not for NaN.
  std::uint32_t encode(float x) const {
    const std::uint32_t sign = std::signbit(x) ? format_.sign_bit() : 0;
    const double magnitude = std::fabs(static_cast<double>(x));
    if (magnitude >= entries_.back().value) return sign | entries_.back().code;
    const auto above =
        std::upper_bound(entries_.begin(), entries_.end(), magnitude,
                         [](double value, const Entry& entry) { return value < entry.value; });
    const Entry& hi = *above;
    const Entry& lo = *(above - 1);
    // Compare 2x with lo + hi: both sides are exact in double.
    const double twice = 2 * magnitude;
    const double sum = lo.value + hi.value;
    if (twice < sum) return sign | lo.code;
    if (twice > sum) return sign | hi.code;
    return sign | ((lo.code & 1) == 0 ? lo.code : hi.code);
  }

 private:
  Format format_;
  std::vector<Entry> entries_;
  bool sorted_ = false;
};

using Encoder = std::uint32_t (*)(float);

std::uint32_t encode_bf16(float x) {
  return lrq::f32_to_bf16(x);
}
std::uint32_t encode_f16(float x) {
  return lrq::f32_to_f16(x);
}
std::uint32_t encode_e4m3fn(float x) {
  return lrq::f32_to_e4m3fn(x);
}

const NearestReference& bf16_reference() {
  static const NearestReference reference(kBf16);
  return reference;
}
const NearestReference& f16_reference() {
  static const NearestReference reference(kF16);
  return reference;
}
const NearestReference& e4m3fn_reference() {
  static const NearestReference reference(kE4m3fn);
  return reference;
}

// ---------------------------------------------------------------------------------------------
// Decoding, every code.

void check_decode_all(const Format& format, float (*decode)(std::uint32_t)) {
  for (std::uint32_t code = 0; code < format.code_count(); ++code) {
    ASSERT_TRUE(same_float(decode(code), reference_decode(format, code)))
        << format.name << " code 0x" << std::hex << code;
  }
}

TEST(FloatDecode, EveryBf16Code) {
  check_decode_all(kBf16,
                   [](std::uint32_t c) { return lrq::bf16_to_f32(static_cast<std::uint16_t>(c)); });
}

TEST(FloatDecode, EveryF16Code) {
  check_decode_all(kF16,
                   [](std::uint32_t c) { return lrq::f16_to_f32(static_cast<std::uint16_t>(c)); });
}

TEST(FloatDecode, EveryE4m3fnCode) {
  check_decode_all(
      kE4m3fn, [](std::uint32_t c) { return lrq::e4m3fn_to_f32(static_cast<std::uint8_t>(c)); });
}

TEST(FloatDecode, EveryE5m2Code) {
  check_decode_all(kE5m2,
                   [](std::uint32_t c) { return lrq::e5m2_to_f32(static_cast<std::uint8_t>(c)); });
}

TEST(FloatDecode, LandmarkValues) {
  EXPECT_EQ(lrq::e4m3fn_to_f32(0x7E), 448.0f);
  EXPECT_EQ(lrq::e4m3fn_to_f32(0xFE), -448.0f);
  EXPECT_EQ(lrq::e4m3fn_to_f32(0x78), 256.0f);
  EXPECT_EQ(lrq::e4m3fn_to_f32(0x38), 1.0f);
  EXPECT_EQ(lrq::e4m3fn_to_f32(0x08), 0x1p-6f);
  EXPECT_EQ(lrq::e4m3fn_to_f32(0x01), 0x1p-9f);
  EXPECT_TRUE(same_float(lrq::e4m3fn_to_f32(0x80), -0.0));
  EXPECT_TRUE(same_float(lrq::e4m3fn_to_f32(0x7F), kNaN));
  EXPECT_TRUE(same_float(lrq::e4m3fn_to_f32(0xFF), -kNaN));
  EXPECT_EQ(lrq::e4m3fn_to_f32(0x7D), 416.0f);  // exponent 15 is finite in e4m3fn

  EXPECT_EQ(lrq::e5m2_to_f32(0x7B), 57344.0f);
  EXPECT_EQ(lrq::e5m2_to_f32(0x7C), std::numeric_limits<float>::infinity());
  EXPECT_EQ(lrq::e5m2_to_f32(0xFC), -std::numeric_limits<float>::infinity());
  EXPECT_TRUE(std::isnan(lrq::e5m2_to_f32(0x7D)));
  EXPECT_EQ(lrq::e5m2_to_f32(0x01), 0x1p-16f);

  EXPECT_EQ(lrq::f16_to_f32(0x7BFF), 65504.0f);
  EXPECT_EQ(lrq::f16_to_f32(0x0001), 0x1p-24f);
  EXPECT_EQ(lrq::f16_to_f32(0x03FF), 0x3FFp-24f);
  EXPECT_EQ(lrq::f16_to_f32(0x3C00), 1.0f);
  EXPECT_EQ(lrq::bf16_to_f32(0x3F80), 1.0f);
  EXPECT_EQ(lrq::bf16_to_f32(0x0001), 0x1p-133f);
  // NaN payloads survive widening.
  EXPECT_EQ(std::bit_cast<std::uint32_t>(lrq::bf16_to_f32(0xFF81)), 0xFF81'0000u);
  EXPECT_EQ(std::bit_cast<std::uint32_t>(lrq::f16_to_f32(0x7D01)), 0x7FA0'2000u);
}

// ---------------------------------------------------------------------------------------------
// Encoding, every code and every rounding boundary.

::testing::AssertionResult encodes_to(Encoder encode, const NearestReference& reference, float x,
                                      std::uint32_t expected) {
  const std::uint32_t actual = encode(x);
  const std::uint32_t searched = reference.encode(x);
  if (actual == expected && searched == expected) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << reference.format().name << "(" << x << " = 0x" << std::hex
         << std::bit_cast<std::uint32_t>(x) << "): got 0x" << actual << ", reference 0x" << searched
         << ", expected 0x" << expected;
}

// For every code: its exact value (both signs) maps to itself; for every pair of neighbours the
// midpoint goes to the even code, and the floats next to the midpoint and next to each code go to
// the nearer side.
void check_every_boundary(Encoder encode, const NearestReference& reference) {
  ASSERT_TRUE(reference.sorted());
  const auto& entries = reference.entries();
  const std::uint32_t sign_bit = reference.format().sign_bit();
  for (std::size_t i = 0; i + 1 < entries.size(); ++i) {
    const auto& lo = entries[i];
    const auto& hi = entries[i + 1];
    const double mid = (lo.value + hi.value) / 2;
    const auto lo_f = static_cast<float>(lo.value);
    const auto hi_f = static_cast<float>(hi.value);
    const auto mid_f = static_cast<float>(mid);
    ASSERT_EQ(static_cast<double>(lo_f), lo.value);
    ASSERT_EQ(static_cast<double>(mid_f), mid);
    const std::uint32_t even = (lo.code & 1) == 0 ? lo.code : hi.code;
    for (const float sign : {1.0f, -1.0f}) {
      const std::uint32_t s = sign < 0 ? sign_bit : 0;
      ASSERT_TRUE(encodes_to(encode, reference, sign * lo_f, s | lo.code));
      ASSERT_TRUE(encodes_to(encode, reference, sign * std::nextafter(lo_f, hi_f), s | lo.code));
      ASSERT_TRUE(encodes_to(encode, reference, sign * std::nextafter(mid_f, 0.0f), s | lo.code));
      ASSERT_TRUE(encodes_to(encode, reference, sign * mid_f, s | even));
      ASSERT_TRUE(encodes_to(encode, reference, sign * std::nextafter(mid_f, hi_f), s | hi.code));
      ASSERT_TRUE(encodes_to(encode, reference, sign * std::nextafter(hi_f, lo_f), s | hi.code));
    }
  }
}

TEST(FloatEncode, Bf16EveryCodeAndBoundary) {
  check_every_boundary(encode_bf16, bf16_reference());
}

TEST(FloatEncode, F16EveryCodeAndBoundary) {
  check_every_boundary(encode_f16, f16_reference());
}

TEST(FloatEncode, E4m3fnEveryCodeAndBoundary) {
  check_every_boundary(encode_e4m3fn, e4m3fn_reference());
}

TEST(FloatEncode, DecodeThenEncodeIsIdentityForEveryNonNaNCode) {
  for (std::uint32_t code = 0; code < 0x10000; ++code) {
    const auto bits = static_cast<std::uint16_t>(code);
    if (!std::isnan(lrq::bf16_to_f32(bits))) {
      ASSERT_EQ(lrq::f32_to_bf16(lrq::bf16_to_f32(bits)), bits);
    }
    if (!std::isnan(lrq::f16_to_f32(bits))) {
      ASSERT_EQ(lrq::f32_to_f16(lrq::f16_to_f32(bits)), bits);
    }
  }
  for (std::uint32_t code = 0; code < 0x100; ++code) {
    const auto bits = static_cast<std::uint8_t>(code);
    if (!std::isnan(lrq::e4m3fn_to_f32(bits))) {
      ASSERT_EQ(lrq::f32_to_e4m3fn(lrq::e4m3fn_to_f32(bits)), bits);
    }
  }
}

TEST(FloatEncode, Bf16Specials) {
  const auto& ref = bf16_reference();
  EXPECT_TRUE(encodes_to(encode_bf16, ref, 0.0f, 0x0000));
  EXPECT_TRUE(encodes_to(encode_bf16, ref, -0.0f, 0x8000));
  EXPECT_TRUE(encodes_to(encode_bf16, ref, 1.0f, 0x3F80));
  EXPECT_TRUE(encodes_to(encode_bf16, ref, 1.0f + 0x1p-8f, 0x3F80));          // tie, down to even
  EXPECT_TRUE(encodes_to(encode_bf16, ref, 1.0f + 0x3p-8f, 0x3F82));          // tie, up to even
  EXPECT_TRUE(encodes_to(encode_bf16, ref, from_bits(0x7F7F'7FFF), 0x7F7F));  // below max + ulp/2
  EXPECT_TRUE(encodes_to(encode_bf16, ref, from_bits(0x7F7F'8000), 0x7F80));  // tie: overflow
  EXPECT_TRUE(encodes_to(encode_bf16, ref, std::numeric_limits<float>::max(), 0x7F80));
  EXPECT_TRUE(encodes_to(encode_bf16, ref, -std::numeric_limits<float>::max(), 0xFF80));
  EXPECT_TRUE(encodes_to(encode_bf16, ref, std::numeric_limits<float>::infinity(), 0x7F80));
  EXPECT_TRUE(encodes_to(encode_bf16, ref, -std::numeric_limits<float>::infinity(), 0xFF80));
  // f32 subnormals: bf16 has the same exponent range, so they round at bit 16.
  EXPECT_TRUE(encodes_to(encode_bf16, ref, from_bits(0x0000'0001), 0x0000));
  EXPECT_TRUE(encodes_to(encode_bf16, ref, from_bits(0x0000'8000), 0x0000));  // tie to even 0
  EXPECT_TRUE(encodes_to(encode_bf16, ref, from_bits(0x0000'8001), 0x0001));
  EXPECT_TRUE(encodes_to(encode_bf16, ref, from_bits(0x0001'8000), 0x0002));  // tie to even 2
  EXPECT_TRUE(encodes_to(encode_bf16, ref, from_bits(0x8000'0001), 0x8000));
  EXPECT_TRUE(encodes_to(encode_bf16, ref, from_bits(0x007F'FFFF), 0x0080));  // to min normal
}

TEST(FloatEncode, F16Specials) {
  const auto& ref = f16_reference();
  EXPECT_TRUE(encodes_to(encode_f16, ref, 0.0f, 0x0000));
  EXPECT_TRUE(encodes_to(encode_f16, ref, -0.0f, 0x8000));
  EXPECT_TRUE(encodes_to(encode_f16, ref, 1.0f, 0x3C00));
  EXPECT_TRUE(encodes_to(encode_f16, ref, 65504.0f, 0x7BFF));
  EXPECT_TRUE(encodes_to(encode_f16, ref, std::nextafter(65520.0f, 0.0f), 0x7BFF));
  EXPECT_TRUE(encodes_to(encode_f16, ref, 65520.0f, 0x7C00));  // tie: overflow to infinity
  EXPECT_TRUE(encodes_to(encode_f16, ref, -65520.0f, 0xFC00));
  EXPECT_TRUE(encodes_to(encode_f16, ref, 1e30f, 0x7C00));
  EXPECT_TRUE(encodes_to(encode_f16, ref, std::numeric_limits<float>::infinity(), 0x7C00));
  EXPECT_TRUE(encodes_to(encode_f16, ref, -std::numeric_limits<float>::infinity(), 0xFC00));
  EXPECT_TRUE(encodes_to(encode_f16, ref, 0x1p-14f, 0x0400));
  EXPECT_TRUE(encodes_to(encode_f16, ref, 0x1p-24f, 0x0001));
  EXPECT_TRUE(encodes_to(encode_f16, ref, 0x1p-25f, 0x0000));  // tie to even 0
  EXPECT_TRUE(encodes_to(encode_f16, ref, std::nextafter(0x1p-25f, 1.0f), 0x0001));
  EXPECT_TRUE(encodes_to(encode_f16, ref, 0x3p-25f, 0x0002));  // tie to even 2
  EXPECT_TRUE(encodes_to(encode_f16, ref, -1e-8f, 0x8000));
  EXPECT_TRUE(encodes_to(encode_f16, ref, from_bits(0x0000'0001), 0x0000));
  EXPECT_TRUE(encodes_to(encode_f16, ref, from_bits(0x8000'0001), 0x8000));
  EXPECT_TRUE(encodes_to(encode_f16, ref, std::nextafter(0x1p-14f, 0.0f), 0x0400));
}

TEST(FloatEncode, E4m3fnSpecialsAndSaturation) {
  const auto& ref = e4m3fn_reference();
  EXPECT_TRUE(encodes_to(encode_e4m3fn, ref, 0.0f, 0x00));
  EXPECT_TRUE(encodes_to(encode_e4m3fn, ref, -0.0f, 0x80));
  EXPECT_TRUE(encodes_to(encode_e4m3fn, ref, 1.0f, 0x38));
  EXPECT_TRUE(encodes_to(encode_e4m3fn, ref, 416.0f, 0x7D));
  EXPECT_TRUE(encodes_to(encode_e4m3fn, ref, 432.0f, 0x7E));  // tie, up to even 448
  EXPECT_TRUE(encodes_to(encode_e4m3fn, ref, 240.0f, 0x77));
  EXPECT_TRUE(encodes_to(encode_e4m3fn, ref, 248.0f, 0x78));  // tie, up to even 256
  const float inf = std::numeric_limits<float>::infinity();
  for (const float big : {448.0f, std::nextafter(448.0f, inf), std::nextafter(464.0f, 0.0f), 464.0f,
                          std::nextafter(464.0f, inf), 480.0f, 481.0f, 1e30f,
                          std::numeric_limits<float>::max(), inf}) {
    EXPECT_TRUE(encodes_to(encode_e4m3fn, ref, big, 0x7E));
    EXPECT_TRUE(encodes_to(encode_e4m3fn, ref, -big, 0xFE));
  }
  EXPECT_EQ(lrq::f32_to_e4m3fn(lrq::kE4m3fnMax), 0x7E);
  EXPECT_TRUE(encodes_to(encode_e4m3fn, ref, 0x1p-6f, 0x08));
  EXPECT_TRUE(encodes_to(encode_e4m3fn, ref, 0x1p-9f, 0x01));
  EXPECT_TRUE(encodes_to(encode_e4m3fn, ref, 0x1p-10f, 0x00));  // tie to even 0
  EXPECT_TRUE(encodes_to(encode_e4m3fn, ref, -0x1p-10f, 0x80));
  EXPECT_TRUE(encodes_to(encode_e4m3fn, ref, std::nextafter(0x1p-10f, 1.0f), 0x01));
  EXPECT_TRUE(encodes_to(encode_e4m3fn, ref, 0x3p-10f, 0x02));  // tie to even 2
  EXPECT_TRUE(encodes_to(encode_e4m3fn, ref, 1e-20f, 0x00));
  EXPECT_TRUE(encodes_to(encode_e4m3fn, ref, -1e-20f, 0x80));
  EXPECT_TRUE(encodes_to(encode_e4m3fn, ref, from_bits(0x0000'0001), 0x00));
  EXPECT_TRUE(encodes_to(encode_e4m3fn, ref, from_bits(0x8000'0001), 0x80));
}

const std::uint32_t kNaNPatterns[] = {0x7FC0'0000, 0xFFC0'0000, 0x7F80'0001,
                                      0xFF80'0001, 0x7FFF'FFFF, 0xFFFF'FFFF,
                                      0x7FA0'1234, 0xFF80'2000, 0x7F80'0100};

TEST(FloatEncode, NaNStaysQuietNaNWithItsSign) {
  for (const std::uint32_t bits : kNaNPatterns) {
    SCOPED_TRACE(::testing::Message() << "0x" << std::hex << bits);
    const float nan = from_bits(bits);
    const bool negative = (bits >> 31) != 0;
    const std::uint16_t bf16 = lrq::f32_to_bf16(nan);
    EXPECT_TRUE(same_float(lrq::bf16_to_f32(bf16), negative ? -kNaN : kNaN));
    EXPECT_NE(bf16 & kBf16.quiet_bit(), 0u);
    const std::uint16_t f16 = lrq::f32_to_f16(nan);
    EXPECT_TRUE(same_float(lrq::f16_to_f32(f16), negative ? -kNaN : kNaN));
    EXPECT_NE(f16 & kF16.quiet_bit(), 0u);
    EXPECT_EQ(lrq::f32_to_e4m3fn(nan), 0x7F);
  }
}

// ---------------------------------------------------------------------------------------------
// Random sweep: implementation vs search over millions of f32 bit patterns.

// Random f32 bits: half of them uniform over all 2^32 patterns, half with an exponent near the
// target format's range (its subnormals up to past its overflow), where the rounding happens.
std::vector<std::uint32_t> random_patterns(std::uint64_t seed, std::size_t count,
                                           int lowest_exponent, int highest_exponent) {
  std::mt19937_64 engine(seed);
  std::uniform_int_distribution<std::uint32_t> any;
  std::uniform_int_distribution<int> exponent(lowest_exponent, highest_exponent);
  std::vector<std::uint32_t> patterns(count);
  for (std::size_t i = 0; i < count; ++i) {
    std::uint32_t bits = any(engine);
    if (i % 2 == 1) {
      const auto biased = static_cast<std::uint32_t>(std::clamp(exponent(engine) + 127, 0, 255));
      bits = (bits & 0x807F'FFFFu) | (biased << 23);
    }
    patterns[i] = bits;
  }
  return patterns;
}

void check_random(Encoder encode, const NearestReference& reference, std::uint64_t seed,
                  int lowest_exponent, int highest_exponent) {
  const Format& format = reference.format();
  for (const std::uint32_t bits :
       random_patterns(seed, 4'000'000, lowest_exponent, highest_exponent)) {
    const float x = from_bits(bits);
    const std::uint32_t actual = encode(x);
    if (std::isnan(x)) {
      const double decoded = reference_decode(format, actual);
      ASSERT_TRUE(std::isnan(decoded)) << std::hex << bits;
      if (format.ieee_specials) {
        ASSERT_EQ(std::signbit(decoded), std::signbit(x)) << std::hex << bits;
        ASSERT_NE(actual & format.quiet_bit(), 0u) << std::hex << bits;
      } else {
        ASSERT_EQ(actual, 0x7Fu) << std::hex << bits;
      }
      continue;
    }
    ASSERT_EQ(actual, reference.encode(x))
        << format.name << "(" << x << " = 0x" << std::hex << bits << ")";
  }
}

TEST(FloatEncodeRandom, Bf16) {
  check_random(encode_bf16, bf16_reference(), 1, -140, 128);
}
TEST(FloatEncodeRandom, F16) {
  check_random(encode_f16, f16_reference(), 2, -28, 18);
}
TEST(FloatEncodeRandom, E4m3fn) {
  check_random(encode_e4m3fn, e4m3fn_reference(), 3, -12, 11);
}

// ---------------------------------------------------------------------------------------------
// Bulk widening.

// Copies `values` into a buffer at an odd byte offset, so that the source is misaligned.
template <typename T>
std::vector<std::byte> misaligned_bytes(const std::vector<T>& values, std::size_t offset) {
  std::vector<std::byte> buffer(offset + values.size() * sizeof(T));
  if (!values.empty()) {
    std::memcpy(buffer.data() + offset, values.data(), values.size() * sizeof(T));
  }
  return buffer;
}

// Every code, repeated so that the element count is neither small nor a round number (the bulk
// path and the remainder path both run), at several source misalignments.
template <typename Code>
void check_widen_all_codes(lrq::DType dtype, const Format& format) {
  const std::size_t count = std::max<std::size_t>(format.code_count(), 3000) + 37;
  std::vector<Code> codes(count);
  for (std::size_t i = 0; i < count; ++i) {
    codes[i] = static_cast<Code>(i % format.code_count());
  }
  for (const std::size_t offset : {std::size_t{0}, std::size_t{1}, std::size_t{3}}) {
    const auto bytes = misaligned_bytes(codes, offset);
    std::vector<float> out(count);
    lrq::widen_to_f32(dtype, bytes.data() + offset, out.data(), count);
    for (std::size_t i = 0; i < count; ++i) {
      ASSERT_TRUE(same_float(out[i], reference_decode(format, codes[i])))
          << format.name << " code 0x" << std::hex << codes[i] << " offset " << offset;
    }
  }
}

TEST(WidenToF32, F16EveryCodeMisaligned) {
  check_widen_all_codes<std::uint16_t>(lrq::DType::F16, kF16);
}
TEST(WidenToF32, Bf16EveryCodeMisaligned) {
  check_widen_all_codes<std::uint16_t>(lrq::DType::BF16, kBf16);
}
TEST(WidenToF32, E4m3fnEveryCodeMisaligned) {
  check_widen_all_codes<std::uint8_t>(lrq::DType::F8_E4M3, kE4m3fn);
}
TEST(WidenToF32, E5m2EveryCodeMisaligned) {
  check_widen_all_codes<std::uint8_t>(lrq::DType::F8_E5M2, kE5m2);
}

constexpr std::size_t kRepeats = 97;  // enough elements for the bulk path plus a remainder

TEST(WidenToF32, F32IsBitExactMisaligned) {
  const std::uint32_t patterns[] = {0x3F80'0000, 0x8000'0000, 0x0000'0001, 0x7F80'0000,
                                    0xFF80'0000, 0x7FA0'1234, 0xFFC0'0001, 0x7F7F'FFFF};
  std::vector<std::uint32_t> inputs;
  for (std::size_t r = 0; r < kRepeats; ++r) {
    inputs.insert(inputs.end(), std::begin(patterns), std::end(patterns));
  }
  const auto bytes = misaligned_bytes(inputs, 3);
  std::vector<float> out(inputs.size());
  lrq::widen_to_f32(lrq::DType::F32, bytes.data() + 3, out.data(), inputs.size());
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    ASSERT_EQ(std::bit_cast<std::uint32_t>(out[i]), inputs[i]) << i;
  }
}

TEST(WidenToF32, F64RoundsToNearestEvenMisaligned) {
  const double flt_max = std::numeric_limits<float>::max();
  const double flt_max_ulp = 0x1p104;
  struct Case {
    double in;
    double expected;
  };
  const Case cases[] = {
      {1.0, 1.0},
      {1.0 + 0x1p-24, 1.0},                      // tie, down to even
      {1.0 + 0x1p-24 + 0x1p-52, 1.0 + 0x1p-23},  // just above the tie
      {1.0 + 0x3p-24, 1.0 + 0x1p-22},            // tie, up to even
      {-(1.0 + 0x3p-24), -(1.0 + 0x1p-22)},
      {0.1, static_cast<double>(0.1f)},
      {-0.0, -0.0},
      {std::nextafter(flt_max + flt_max_ulp / 2, 0.0), flt_max},  // just below the overflow tie
      {flt_max + flt_max_ulp / 2, kInf},                          // the tie overflows
      {1e300, kInf},
      {-1e300, -kInf},
      {0x1p-149, 0x1p-149},  // smallest f32 subnormal
      {0x1p-150, 0.0},       // tie to even 0
      {0x3p-150, 0x1p-148},  // tie to even 2 * 2^-149
      {-1e-300, -0.0},
      {kInf, kInf},
      {-kInf, -kInf},
      {kNaN, kNaN},
      {-kNaN, -kNaN},
  };
  constexpr std::size_t kCases = std::size(cases);
  std::vector<double> inputs;
  for (std::size_t r = 0; r < kRepeats; ++r) {
    for (const Case& c : cases) {
      inputs.push_back(c.in);
    }
  }
  const auto bytes = misaligned_bytes(inputs, 5);
  std::vector<float> out(inputs.size());
  lrq::widen_to_f32(lrq::DType::F64, bytes.data() + 5, out.data(), inputs.size());
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    ASSERT_TRUE(same_float(out[i], cases[i % kCases].expected))
        << "case " << i % kCases << ": " << inputs[i];
  }
}

TEST(WidenToF32, ZeroCountTouchesNothing) {
  for (const lrq::DType dtype : {lrq::DType::F64, lrq::DType::F32, lrq::DType::F16,
                                 lrq::DType::BF16, lrq::DType::F8_E4M3, lrq::DType::F8_E5M2}) {
    EXPECT_NO_THROW(lrq::widen_to_f32(dtype, nullptr, nullptr, 0));
  }
}

TEST(WidenToF32, NonFloatDTypesAreAnInternalError) {
  const std::byte source[8] = {};
  float destination[1] = {};
  for (const lrq::DType dtype :
       {lrq::DType::I64, lrq::DType::I32, lrq::DType::I16, lrq::DType::I8, lrq::DType::U64,
        lrq::DType::U32, lrq::DType::U16, lrq::DType::U8, lrq::DType::BOOL}) {
    SCOPED_TRACE(lrq::safetensors_name(dtype));
    try {
      lrq::widen_to_f32(dtype, source, destination, 1);
      ADD_FAILURE() << "no exception";
    } catch (const lrq::Error& error) {
      EXPECT_EQ(error.category(), lrq::ErrorCategory::internal);
    }
  }
}

}  // namespace
