#include "recipe/location.hpp"

namespace lrq::host {

std::string Location::to_string() const {
  if (line <= 0) return source;
  return source + ":" + std::to_string(line) + ":" + std::to_string(column);
}

}  // namespace lrq::host
