#include "line_state.hpp"

#include <algorithm>
#include <cmath>

namespace lrq::optimizers {

double LineState::loss() {
  return std::abs(position_);
}

void LineState::step(double lr) {
  // As the general loop: the direction is p / max(||p||, 1e-20).
  const double move = lr * position_ / std::max(std::abs(position_), 1e-20);
  position_ -= move;
  travel_ += move;
}

}  // namespace lrq::optimizers
