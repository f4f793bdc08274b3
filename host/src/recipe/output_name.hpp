// The file a conversion writes when no output is given: beside the input, named after the input
// and what was chosen, e.g. flux1-dev-bf16.safetensors -> flux1-dev-fp8.safetensors.
#pragma once

#include <filesystem>
#include <string>

#include "lrq/options.hpp"

namespace lrq::host {

// The format's part of the name, from the plugin and its complete options: what the stored
// weights are. fp8: "fp8", "fp8-row", "fp8-block128"; int8_block: "int8-block128", "int8",
// "int8-row"; fp8_e5m2: "fp8e5m2"; mxfp8, nvfp4 and any other plugin: its name, '_' as '-'.
// Options that leave the weights as they are (input_scale, full_precision_matrix_mult) are left
// out.
std::string format_tag(const std::string& format, const Options& options);

// <input stem>-<format tag>[-<optimizer>].safetensors in the input's directory; the optimizer is
// left out for rtn, the default. A shard index <d>/<m>.safetensors.index.json gives <d>/<m>-...,
// a directory of shards <d>/<m>/ gives <d>/<m>-... beside it. A stem ending in a high-precision
// dtype tag ("-bf16", "_fp16",
// ".f32", ...) loses it: the output is no longer in that dtype.
std::filesystem::path derived_output_path(const std::filesystem::path& input,
                                          const std::string& format, const Options& format_options,
                                          const std::string& optimizer);

}  // namespace lrq::host
