// How `inspect` shows the provenance entries of a file's `__metadata__` (pipeline/provenance.hpp).
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>

#include "lrq/safetensors.hpp"

namespace lrq::host {

// "made by lrq <version>, seed <seed>", then the plugins and the recipe, one line each; nothing
// when the file has no provenance.
void print_provenance(const Metadata& metadata, std::ostream& out);

// {"version", "seed", "plugins", "recipe"} with the JSON entries parsed (a value that is not JSON
// stays a string, an absent one is null); null when the file has no provenance.
nlohmann::ordered_json provenance_json(const Metadata& metadata);

}  // namespace lrq::host
