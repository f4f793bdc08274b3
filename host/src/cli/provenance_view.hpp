// How `inspect` shows the provenance entries of a file's `__metadata__` (pipeline/provenance.hpp).
#pragma once

#include <ostream>

#include "lrq/safetensors.hpp"

namespace lrq::host {

// "made by lrq <version>, seed <seed>", then the plugins and the recipe, one line each; nothing
// when the file has no provenance.
void print_provenance(const Metadata& metadata, std::ostream& out);

}  // namespace lrq::host
