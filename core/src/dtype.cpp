#include "lrq/dtype.hpp"

#include <array>

namespace lrq {

namespace {

struct DTypeInfo {
  DType dtype;
  std::string_view name;
  std::size_t size;
};

// In enum order, so that kDTypes[static_cast<std::size_t>(dtype)] describes dtype.
constexpr std::array kDTypes{
    DTypeInfo{DType::F64, "F64", 8},         DTypeInfo{DType::F32, "F32", 4},
    DTypeInfo{DType::F16, "F16", 2},         DTypeInfo{DType::BF16, "BF16", 2},
    DTypeInfo{DType::F8_E4M3, "F8_E4M3", 1}, DTypeInfo{DType::F8_E5M2, "F8_E5M2", 1},
    DTypeInfo{DType::I64, "I64", 8},         DTypeInfo{DType::I32, "I32", 4},
    DTypeInfo{DType::I16, "I16", 2},         DTypeInfo{DType::I8, "I8", 1},
    DTypeInfo{DType::U64, "U64", 8},         DTypeInfo{DType::U32, "U32", 4},
    DTypeInfo{DType::U16, "U16", 2},         DTypeInfo{DType::U8, "U8", 1},
    DTypeInfo{DType::BOOL, "BOOL", 1},
};

constexpr bool kDTypesInEnumOrder = [] {
  for (std::size_t i = 0; i < kDTypes.size(); ++i) {
    if (static_cast<std::size_t>(kDTypes[i].dtype) != i) return false;
  }
  return true;
}();
static_assert(kDTypesInEnumOrder);

// A value outside the enumerators (only reachable through a bad cast) gets size 0 and no name
// rather than an out-of-bounds read.
constexpr DTypeInfo kInvalid{DType::F64, "", 0};

const DTypeInfo& info(DType dtype) noexcept {
  const auto index = static_cast<std::size_t>(dtype);
  return index < kDTypes.size() ? kDTypes[index] : kInvalid;
}

}  // namespace

std::size_t itemsize(DType dtype) noexcept {
  return info(dtype).size;
}

std::string_view safetensors_name(DType dtype) noexcept {
  return info(dtype).name;
}

std::optional<DType> dtype_from_safetensors_name(std::string_view name) noexcept {
  for (const DTypeInfo& entry : kDTypes) {
    if (entry.name == name) return entry.dtype;
  }
  return std::nullopt;
}

bool is_quantizable_source(DType dtype) noexcept {
  return dtype == DType::F64 || dtype == DType::F32 || dtype == DType::F16 || dtype == DType::BF16;
}

}  // namespace lrq
