#include "sequential_rounding.hpp"

#include <algorithm>
#include <numeric>

namespace lrq::optimizers {
namespace {

std::vector<std::int64_t> range(std::int64_t first, std::int64_t end) {
  std::vector<std::int64_t> indices(static_cast<std::size_t>(end - first));
  std::iota(indices.begin(), indices.end(), first);
  return indices;
}

std::vector<std::int64_t> inverse_of(const std::vector<std::int64_t>& order) {
  std::vector<std::int64_t> inverse(order.size());
  for (std::size_t i = 0; i < order.size(); ++i)
    inverse[static_cast<std::size_t>(order[i])] = static_cast<std::int64_t>(i);
  return inverse;
}

}  // namespace

DeviceTensor sequential_rounding(Backend& backend, const DeviceTensor& weight,
                                 const LayerQuantization& quantization, const DeviceTensor& upper,
                                 const std::vector<std::int64_t>& order, std::int64_t block_size) {
  const std::int64_t cols = weight.shape[1];
  DeviceTensor w = backend.gather(weight, {}, order);  // a copy in rounding order, updated below
  DeviceTensor values = backend.zeros(weight.shape);
  for (std::int64_t first = 0; first < cols; first += block_size) {
    const std::int64_t end = std::min(cols, first + block_size);
    const std::vector<std::int64_t> block = range(first, end);
    const DeviceTensor diagonal_block = backend.gather(upper, block, block);
    const DeviceTensor errors =
        backend.round_with_feedback(w, diagonal_block, quantization, {first, order}, values);
    if (end == cols) break;
    // The block's rows of U, with the columns up to the block's end zeroed (-1): they are done.
    std::vector<std::int64_t> later(static_cast<std::size_t>(end), -1);
    for (std::int64_t c = end; c < cols; ++c)
      later.push_back(c);
    backend.gemm(-1.0f, errors, Transpose::no, backend.gather(upper, block, later), Transpose::no,
                 1.0f, w);
  }
  return backend.gather(values, {}, inverse_of(order));
}

}  // namespace lrq::optimizers
