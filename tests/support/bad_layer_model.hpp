// A model whose conversion fails in the middle: `layers` F32 linear layers [64, 64] with biases
// ("blocks.<i>.proj.weight" and ".bias"), and a NaN in the weight of layer `bad`.
#pragma once

#include <filesystem>

namespace lrq::test {

std::filesystem::path model_with_a_bad_layer(const std::filesystem::path& path, int layers,
                                             int bad);

}  // namespace lrq::test
