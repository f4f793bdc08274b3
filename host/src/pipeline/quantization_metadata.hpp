// The safetensors `__metadata__` entry `_quantization_metadata` (docs/comfyui-format.md):
// a JSON map of layer prefix to `.comfy_quant` config that ComfyUI applies over the tensors.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "lrq/safetensors.hpp"

namespace lrq::host {

inline constexpr std::string_view kQuantizationMetadataKey = "_quantization_metadata";

// Layer prefix -> its config as compact JSON; empty when the entry is absent. Throws lrq::Error
// (input) naming `file` when the entry is not a JSON object with an object "layers" (ComfyUI
// fails to load such a file).
std::map<std::string, std::string> read_quantization_metadata(const Metadata& metadata,
                                                              const std::filesystem::path& file);

struct OutputMetadata {
  Metadata metadata;
  std::vector<std::string> dropped;  // prefixes of the input's entries left out, in their order
};

// The input's metadata for the output file. When it holds `_quantization_metadata`, which ComfyUI
// lets win over the tensors, the entries of the layers written now (prefix -> .comfy_quant JSON)
// replace or join the old ones, and an old entry stays only where the output stores its layer
// quantized (`<prefix>.weight` among `outputs` in a dtype other than F64/F32/F16/BF16, as a layer
// of an already quantized input that is copied through): ComfyUI would otherwise apply the entry
// to a high-precision weight, or to no weight, and refuse the file.
OutputMetadata output_metadata(const Metadata& input,
                               const std::map<std::string, std::string>& written,
                               const std::vector<TensorInfo>& outputs,
                               const std::filesystem::path& input_file);

// The warning that names the layers whose entries output_metadata left out.
std::string dropped_entries_warning(const std::vector<std::string>& prefixes);

}  // namespace lrq::host
