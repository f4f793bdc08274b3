// What every format plugin needs around its own arithmetic: moving small tensors between host and
// backend, and finding a stored layer's tensors with errors that name them.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "lrq/format.hpp"

namespace lrq::formats {

std::vector<std::byte> download_bytes(Backend& backend, const DeviceTensor& tensor);
std::vector<float> download_floats(Backend& backend, const DeviceTensor& tensor);
DeviceTensor upload_floats(Backend& backend, std::span<const float> values, const Shape& shape);

// Throws lrq::Error (input) naming the layer when it has no `<prefix>.<suffix>`.
const TensorView& stored_tensor(const StoredLayer& layer, const std::string& suffix);

// Throws lrq::Error (input) naming `<prefix>.<suffix>`, what was expected and what was found,
// unless `condition` holds.
void require_stored(bool condition, const StoredLayer& layer, const std::string& suffix,
                    const std::string& expectation, const TensorView& tensor);

// The `.comfy_quant` tensor's bytes and the plan entry of a layer's JSON text.
std::vector<std::byte> text_bytes(const std::string& text);

// Whether a weight is a non-empty 2-D float matrix, and then whether it tiles into `layout`'s
// blocks: what every format accepts at least.
Acceptance accepts_tiled_matrix(const TensorInfo& weight, const ScaleLayout& layout);

// Throws lrq::Error (input) naming the tensor when a cell maximum is NaN or infinite.
void require_finite_maxima(std::span<const float> maxima, const TensorInfo& weight);

}  // namespace lrq::formats
