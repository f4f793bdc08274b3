#include "lrq/comfy_quant.hpp"

#include <array>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "lrq/error.hpp"

namespace lrq {
namespace {

// Python's json.dumps with ensure_ascii: control characters and non-ASCII bytes as \uXXXX.
std::string python_json_string(std::string_view text) {
  std::string quoted = "\"";
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      quoted += '\\';
      quoted += c;
    } else if (byte < 0x20 || byte >= 0x7F) {
      std::array<char, 8> escaped{};
      std::snprintf(escaped.data(), escaped.size(), "\\u%04x", byte);
      quoted += escaped.data();
    } else {
      quoted += c;
    }
  }
  return quoted + "\"";
}

void append_field(std::string& json, std::string_view key, std::string_view encoded_value) {
  if (json.size() > 1) json += ", ";
  json += python_json_string(key);
  json += ": ";
  json += encoded_value;
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
    return Error(ErrorCategory::input, "tensor '" + std::string(key) + "': " + why);
  };
  // nlohmann stops at a NUL byte; ComfyUI's json.loads fails on it, so it is an error here too.
  if (bytes.find('\0') != std::string_view::npos) {
    throw fail("the .comfy_quant JSON contains a NUL byte");
  }
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(bytes);
  } catch (const nlohmann::json::exception& error) {
    throw fail(std::string("not valid UTF-8 JSON: ") + error.what());
  }
  if (!json.is_object()) throw fail("the .comfy_quant JSON is not an object");
  const auto format = json.find("format");
  if (format == json.end() || !format->is_string()) {
    throw fail("the .comfy_quant JSON has no string \"format\"");
  }
  ComfyQuantConfig config;
  config.format = format->get<std::string>();
  if (const auto group = json.find("group_size"); group != json.end()) {
    if (!group->is_number_integer()) throw fail("\"group_size\" is not an integer");
    config.group_size = group->get<std::int64_t>();
  }
  const auto flag = [&](const char* name) {
    const auto found = json.find(name);
    if (found == json.end()) return false;
    if (!found->is_boolean()) throw fail(std::string("\"") + name + "\" is not a boolean");
    return found->get<bool>();
  };
  config.full_precision_matrix_mult = flag("full_precision_matrix_mult");
  config.per_row = flag("per_row");
  return config;
}

bool loads_in_stock_comfyui(std::string_view comfy_format) noexcept {
  return comfy_format == "float8_e4m3fn" || comfy_format == "float8_e5m2" ||
         comfy_format == "int8_tensorwise";
}

}  // namespace lrq
