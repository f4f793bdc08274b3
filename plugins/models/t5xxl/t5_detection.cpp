#include "t5_detection.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "model_signature.hpp"

namespace lrq::models {
namespace {

constexpr std::array<std::string_view, 5> kEncoderKeys = {
    "encoder.block.0.layer.0.SelfAttention.q.weight",
    "encoder.block.0.layer.0.SelfAttention.k.weight",
    "encoder.block.0.layer.0.SelfAttention.v.weight",
    "encoder.block.0.layer.0.SelfAttention.o.weight",
    "encoder.block.0.layer.1.DenseReluDense.wo.weight",
};
// T5 v1.1's gated feed-forward (the original T5 has one `wi`).
constexpr std::array<std::string_view, 2> kGatedFeedForward = {
    "encoder.block.0.layer.1.DenseReluDense.wi_0.weight",
    "encoder.block.0.layer.1.DenseReluDense.wi_1.weight",
};
constexpr std::int64_t kXxlWidth = 4096;

Identification identify_t5(const PrefixedKeys& keys) {
  const Shape& query = keys.find(kEncoderKeys.front())->shape;
  const std::int64_t width = query.size() == 2 ? query[1] : 0;
  Identification found{0, std::to_string(keys.count_indexed("encoder.block.")) +
                              " encoder blocks, d_model " + std::to_string(width)};
  if (!keys.first_missing(kGatedFeedForward)) {
    ++found.extra_checks;
    found.reason += ", gated FFN (wi_0, wi_1)";
  }
  if (const TensorInfo* shared = keys.find("shared.weight")) {
    ++found.extra_checks;
    found.reason += ", shared.weight " + shape_to_string(shared->shape);
  }
  const bool xxl = width == kXxlWidth;
  found.extra_checks += xxl ? 1 : 0;
  found.reason += xxl ? ": T5-XXL encoder" : ": T5 encoder";
  return found;
}

}  // namespace

ProfileMatch detect_t5(const ModelIndex& model) {
  return detect_structure(model, kEncoderKeys, identify_t5);
}

}  // namespace lrq::models
