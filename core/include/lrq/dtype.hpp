// Element types of safetensors files, with their on-disk names and sizes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace lrq {

enum class DType : std::uint8_t {
  F64,
  F32,
  F16,
  BF16,
  F8_E4M3,  // float8_e4m3fn: no infinities, max 448
  F8_E5M2,
  I64,
  I32,
  I16,
  I8,
  U64,
  U32,
  U16,
  U8,
  BOOL,
};

std::size_t itemsize(DType dtype) noexcept;
std::string_view safetensors_name(DType dtype) noexcept;
std::optional<DType> dtype_from_safetensors_name(std::string_view name) noexcept;

// F64, F32, F16, BF16: the dtypes a weight can be quantized from.
bool is_quantizable_source(DType dtype) noexcept;

}  // namespace lrq
