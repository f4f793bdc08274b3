// The per-layer `.comfy_quant` configuration that ComfyUI reads (docs/comfyui-format.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lrq {

struct ComfyQuantConfig {
  std::string format;                       // e.g. "float8_e4m3fn", "int8_blockwise"
  std::optional<std::int64_t> group_size;   // block formats only
  bool full_precision_matrix_mult = false;  // written only when true
  bool per_row = false;                     // int8_tensorwise with a [N, 1] scale

  // The JSON text as Python's json.dumps writes it (", " and ": " separators), byte-compatible with
  // convert_to_quant: {"format": "int8_blockwise", "group_size": 128}
  std::string to_json() const;
  std::vector<std::byte> to_bytes() const;  // the U8 tensor's contents: the JSON, nothing else

  // Decodes the bytes of a `.comfy_quant` tensor; throws lrq::Error (input) naming `key` when they
  // are not a UTF-8 JSON object with a string "format".
  static ComfyQuantConfig parse(std::string_view bytes, std::string_view key);
};

// Whether the format is in stock ComfyUI's QUANT_ALGOS table (mxfp8 only with a comfy-kitchen
// that provides it). lrq's extended formats (int8_blockwise, float8_e4m3fn_rowwise/_blockwise)
// need a build with block-wise support (ComfyUI PR #10864 or the ComfyUI-QuantOps node).
bool loads_in_stock_comfyui(std::string_view comfy_format) noexcept;

// Which ComfyUI builds load the format, in a few words: "stock", "stock, comfy-kitchen with
// MXFP8", "PR #10864 or ComfyUI-QuantOps", or "none known".
std::string_view comfyui_builds(std::string_view comfy_format) noexcept;

}  // namespace lrq
