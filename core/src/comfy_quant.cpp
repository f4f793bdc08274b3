#include "lrq/comfy_quant.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "lrq/error.hpp"
#include "lrq/json_limits.hpp"
#include "lrq/quoted.hpp"

namespace lrq {
namespace {

// Far above any real block size; a stored group size is a divisor, so 0 must not pass either.
constexpr std::uint64_t kMaxGroupSize = 65536;

// A JSON string literal as Python's json.dumps writes it (ensure_ascii): nlohmann's ensure_ascii
// escapes exactly the same code points the same way (short escapes for \b \t \n \f \r, lower-case
// \uXXXX, surrogate pairs above U+FFFF, DEL escaped, '/' not).
std::string python_json_string(const std::string& text) {
  try {
    return nlohmann::json(text).dump(-1, ' ', true);
  } catch (const nlohmann::json::exception& error) {
    throw Error(ErrorCategory::internal,
                "the .comfy_quant format name is not valid UTF-8: " + std::string(error.what()));
  }
}

void append_field(std::string& json, const std::string& key, const std::string& encoded_value) {
  if (json.size() > 1) json += ", ";
  json += python_json_string(key);
  json += ": ";
  json += encoded_value;
}

// A JSON value for an error message: short values as written, containers by their type only.
std::string describe(const nlohmann::json& value) {
  return value.is_primitive() && !value.is_string() ? value.dump() : value.type_name();
}

}  // namespace

std::string ComfyQuantConfig::to_json() const {
  std::string json = "{";
  append_field(json, "format", python_json_string(format));
  if (group_size) append_field(json, "group_size", std::to_string(*group_size));
  if (full_precision_matrix_mult) append_field(json, "full_precision_matrix_mult", "true");
  if (per_row) append_field(json, "per_row", "true");
  return json + "}";
}

std::vector<std::byte> ComfyQuantConfig::to_bytes() const {
  const std::string json = to_json();
  std::vector<std::byte> bytes(json.size());
  for (std::size_t i = 0; i < json.size(); ++i)
    bytes[i] = static_cast<std::byte>(json[i]);
  return bytes;
}

ComfyQuantConfig ComfyQuantConfig::parse(std::string_view bytes, std::string_view key) {
  const auto fail = [&](const std::string& why) -> Error {
    return Error(ErrorCategory::input, "tensor " + in_quotes(key) + ": " + why);
  };
  // nlohmann stops at a NUL byte; ComfyUI's json.loads fails on it, so it is an error here too.
  if (bytes.find('\0') != std::string_view::npos) {
    throw fail("the .comfy_quant JSON contains a NUL byte");
  }
  if (json_nests_too_deep(bytes)) {
    throw fail("the .comfy_quant JSON nests deeper than " + std::to_string(kMaxJsonDepth) +
               " levels");
  }
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(bytes);
  } catch (const nlohmann::json::exception& error) {
    // nlohmann appends the input it last read, which can be long and not UTF-8; messages must stay
    // short and valid UTF-8 (inspect puts them into its JSON report).
    std::string reason = error.what();
    reason.resize(std::min(reason.size(), reason.find("; last read:")));
    throw fail("not valid UTF-8 JSON: " + reason);
  }
  if (!json.is_object()) throw fail("the .comfy_quant JSON is not an object");
  const auto format = json.find("format");
  if (format == json.end() || !format->is_string()) {
    throw fail("the .comfy_quant JSON has no string field 'format'");
  }
  ComfyQuantConfig config;
  config.format = format->get<std::string>();
  if (const auto group = json.find("group_size"); group != json.end()) {
    if (!group->is_number_integer()) {
      throw fail("field 'group_size' must be an integer, not " + describe(*group));
    }
    // nlohmann stores non-negative integers as unsigned, negative ones as signed.
    if (!group->is_number_unsigned() || group->get<std::uint64_t>() == 0) {
      throw fail("field 'group_size' must be positive, not " + group->dump());
    }
    if (group->get<std::uint64_t>() > kMaxGroupSize) {
      throw fail("field 'group_size' must be at most " + std::to_string(kMaxGroupSize) + ", not " +
                 group->dump());
    }
    config.group_size = group->get<std::int64_t>();
  }
  const auto flag = [&](const char* name) {
    const auto found = json.find(name);
    if (found == json.end()) return false;
    if (!found->is_boolean()) {
      throw fail("field " + in_quotes(name) + " must be a boolean, not " + describe(*found));
    }
    return found->get<bool>();
  };
  config.full_precision_matrix_mult = flag("full_precision_matrix_mult");
  config.per_row = flag("per_row");
  return config;
}

bool loads_in_stock_comfyui(std::string_view comfy_format) noexcept {
  // QUANT_ALGOS in ComfyUI's comfy/quant_ops.py (docs/comfyui-format.md).
  constexpr std::array<std::string_view, 8> kStockFormats = {
      "float8_e4m3fn",   "float8_e5m2",  "nvfp4",          "mxfp8",
      "int8_tensorwise", "convrot_w4a4", "asym_w4a8_int8", "awq_w4a16"};
  return std::ranges::find(kStockFormats, comfy_format) != kStockFormats.end();
}

std::string_view comfyui_builds(std::string_view comfy_format) noexcept {
  // comfy/quant_ops.py registers mxfp8 only when comfy-kitchen has TensorCoreMXFP8Layout.
  if (comfy_format == "mxfp8") return "stock, comfy-kitchen with MXFP8";
  if (loads_in_stock_comfyui(comfy_format)) return "stock";
  constexpr std::array<std::string_view, 3> kBlockWiseFormats = {
      "int8_blockwise", "float8_e4m3fn_rowwise", "float8_e4m3fn_blockwise"};
  if (std::ranges::find(kBlockWiseFormats, comfy_format) != kBlockWiseFormats.end()) {
    return "PR #10864 or ComfyUI-QuantOps";
  }
  return "none known";
}

}  // namespace lrq
