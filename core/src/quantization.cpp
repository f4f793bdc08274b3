#include "lrq/quantization.hpp"

namespace lrq {

Shape ScaleLayout::cells(std::int64_t rows, std::int64_t cols) const {
  switch (granularity) {
    case ScaleGranularity::tensor:
      return {1, 1};
    case ScaleGranularity::row:
      return {rows, 1};
    case ScaleGranularity::block:
      return {rows / block, cols / block};
  }
  return {1, 1};
}

std::string ScaleLayout::describe() const {
  switch (granularity) {
    case ScaleGranularity::tensor:
      return "per-tensor";
    case ScaleGranularity::row:
      return "per-row";
    case ScaleGranularity::block:
      return "per-block " + std::to_string(block) + "x" + std::to_string(block);
  }
  return "unknown";
}

}  // namespace lrq
