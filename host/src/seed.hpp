// Seeds derived from the recipe's seed and a name (a layer, a tensor), so that the randomness of
// one item does not depend on which other items exist or in which order they are processed.
#pragma once

#include <cstdint>
#include <string_view>

namespace lrq::host {

std::uint64_t derive_seed(std::uint64_t seed, std::string_view name) noexcept;

}  // namespace lrq::host
