#include "recipe/output_name.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>
#include <utility>

#include "pipeline/shard_index.hpp"

namespace lrq::host {
namespace {

std::string option_text(const Options& options, std::string_view name, std::string fallback) {
  if (!options.contains(name)) return fallback;
  return to_string(options.values().find(name)->second);
}

// "-bf16", "_fp16", ".float32", ... at the end of a stem, in any case.
std::string without_dtype_tag(std::string stem) {
  static constexpr std::array<std::string_view, 8> kTags = {
      "bf16", "bfloat16", "fp16", "f16", "float16", "fp32", "f32", "float32"};
  std::string lower = stem;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const std::string_view tag : kTags) {
    const std::size_t length = tag.size() + 1;
    if (lower.size() <= length || !lower.ends_with(tag)) continue;
    const char separator = lower[lower.size() - length];
    if (separator == '-' || separator == '_' || separator == '.') {
      stem.resize(stem.size() - length);
      return stem;
    }
  }
  return stem;
}

// Where the model lies and what it is called: a file's directory and stem; an index's directory
// and the name before ".safetensors.index.json"; a directory of shards's parent and its own name.
std::pair<std::filesystem::path, std::string> model_name(const std::filesystem::path& input) {
  const std::string file = input.filename().string();
  if (file.size() > kShardIndexSuffix.size() && file.ends_with(kShardIndexSuffix)) {
    return {input.parent_path(), file.substr(0, file.size() - kShardIndexSuffix.size())};
  }
  std::error_code ignored;
  if (std::filesystem::is_directory(input, ignored)) {
    std::filesystem::path directory = std::filesystem::absolute(input).lexically_normal();
    if (directory.filename().empty()) directory = directory.parent_path();
    return {directory.parent_path(), directory.filename().string()};
  }
  return {input.parent_path(), input.stem().string()};
}

}  // namespace

std::string format_tag(const std::string& format, const Options& options) {
  if (format == "fp8" || format == "int8_block") {
    const std::string base = format == "fp8" ? "fp8" : "int8";
    const std::string scale = option_text(options, "scale", format == "fp8" ? "tensor" : "block");
    if (scale == "tensor") return base;
    if (scale == "block") return base + "-block" + option_text(options, "block_size", "");
    return base + "-" + scale;
  }
  if (format == "fp8_e5m2") return "fp8e5m2";
  std::string tag = format;
  std::replace(tag.begin(), tag.end(), '_', '-');
  return tag;
}

std::filesystem::path derived_output_path(const std::filesystem::path& input,
                                          const std::string& format, const Options& format_options,
                                          const std::string& optimizer) {
  const auto [directory, stem] = model_name(input);
  std::string name = without_dtype_tag(stem) + "-" + format_tag(format, format_options);
  if (optimizer != "rtn") name += "-" + optimizer;
  return directory / (name + ".safetensors");
}

}  // namespace lrq::host
