// Reading a tensor of the input's memory map on purpose, as its own stage: what comes next (an
// upload, a write) then measures only itself.
#pragma once

#include "lrq/safetensors.hpp"

namespace lrq::host {

// The tensor's bytes, with every page of them faulted in (the read stage).
TensorView read_mapped(const SafetensorsReader& input, const SafetensorsEntry& entry);

}  // namespace lrq::host
