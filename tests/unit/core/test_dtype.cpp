#include "lrq/dtype.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <string_view>

namespace {

struct Expected {
  lrq::DType dtype;
  std::string_view name;
  std::size_t size;
  bool quantizable;
};

constexpr Expected kAll[] = {
    {lrq::DType::F64, "F64", 8, true},          {lrq::DType::F32, "F32", 4, true},
    {lrq::DType::F16, "F16", 2, true},          {lrq::DType::BF16, "BF16", 2, true},
    {lrq::DType::F8_E4M3, "F8_E4M3", 1, false}, {lrq::DType::F8_E5M2, "F8_E5M2", 1, false},
    {lrq::DType::I64, "I64", 8, false},         {lrq::DType::I32, "I32", 4, false},
    {lrq::DType::I16, "I16", 2, false},         {lrq::DType::I8, "I8", 1, false},
    {lrq::DType::U64, "U64", 8, false},         {lrq::DType::U32, "U32", 4, false},
    {lrq::DType::U16, "U16", 2, false},         {lrq::DType::U8, "U8", 1, false},
    {lrq::DType::BOOL, "BOOL", 1, false},
};

TEST(DType, NamesSizesAndQuantizability) {
  for (const Expected& e : kAll) {
    SCOPED_TRACE(e.name);
    EXPECT_EQ(lrq::itemsize(e.dtype), e.size);
    EXPECT_EQ(lrq::safetensors_name(e.dtype), e.name);
    EXPECT_EQ(lrq::is_quantizable_source(e.dtype), e.quantizable);
  }
}

TEST(DType, ParsesEveryNameBack) {
  for (const Expected& e : kAll) {
    SCOPED_TRACE(e.name);
    ASSERT_EQ(lrq::dtype_from_safetensors_name(e.name), e.dtype);
  }
}

TEST(DType, RejectsUnknownAndNearMissNames) {
  for (std::string_view name :
       {"", "f32", "Bf16", "F8_E8M0", "F4", "C64", "F32 ", " F32", "F8_E4M3FN", "FLOAT32", "BOO"}) {
    SCOPED_TRACE(name);
    EXPECT_EQ(lrq::dtype_from_safetensors_name(name), std::nullopt);
  }
  // A name is compared as a whole, not as a C string prefix.
  constexpr char kWithNul[] = {'F', '3', '2', '\0', 'x'};
  EXPECT_EQ(lrq::dtype_from_safetensors_name(std::string_view(kWithNul, sizeof kWithNul)),
            std::nullopt);
}

}  // namespace
