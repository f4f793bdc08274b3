// Reading a tensor of the input's memory map on purpose, as its own stage: what comes next (an
// upload, a write) then measures only itself.
#pragma once

#include "lrq/tensor.hpp"

namespace lrq::host {

// The view of a mapped tensor (SafetensorsReader::view, Checkpoint::view), with every page of its
// bytes faulted in (the read stage).
TensorView read_mapped(const TensorView& view);

}  // namespace lrq::host
