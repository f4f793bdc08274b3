// The safetensors `__metadata__` entry `_quantization_metadata` (docs/comfyui-format.md):
// a JSON map of layer prefix to `.comfy_quant` config that ComfyUI applies over the tensors.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "lrq/safetensors.hpp"

namespace lrq::host {

inline constexpr std::string_view kQuantizationMetadataKey = "_quantization_metadata";

// Layer prefix -> its config as compact JSON; empty when the entry is absent. Throws lrq::Error
// (input) naming `file` when the entry is not a JSON object with an object "layers" (ComfyUI
// fails to load such a file).
std::map<std::string, std::string> read_quantization_metadata(const Metadata& metadata,
                                                              const std::filesystem::path& file);

// The input's metadata for the output file: when it holds `_quantization_metadata`, the entries
// of the layers written now (prefix -> .comfy_quant JSON) replace or join the old ones, so the
// metadata, which ComfyUI lets win, never contradicts the tensors.
Metadata output_metadata(const Metadata& input, const std::map<std::string, std::string>& written,
                         const std::filesystem::path& input_file);

}  // namespace lrq::host
