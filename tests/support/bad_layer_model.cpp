#include "support/bad_layer_model.hpp"

#include <cmath>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "lrq/safetensors.hpp"

namespace lrq::test {

std::filesystem::path model_with_a_bad_layer(const std::filesystem::path& path, int layers,
                                             int bad) {
  const Shape weight_shape = {64, 64};
  std::vector<TensorInfo> plan;
  for (int i = 0; i < layers; ++i) {
    const std::string prefix = "blocks." + std::to_string(i) + ".proj.";
    plan.push_back({prefix + "bias", DType::F32, {64}});
    plan.push_back({prefix + "weight", DType::F32, weight_shape});
  }
  std::vector<float> weight(static_cast<std::size_t>(element_count(weight_shape)));
  for (std::size_t i = 0; i < weight.size(); ++i)
    weight[i] = std::sin(static_cast<float>(i)) * 0.05f;
  std::vector<float> bad_weight = weight;
  bad_weight[1000] = std::numeric_limits<float>::quiet_NaN();
  const std::vector<float> bias(64, 0.01f);
  SafetensorsWriter writer(path, plan, {});
  for (int i = 0; i < layers; ++i) {
    writer.write(plan[2 * i].name, std::as_bytes(std::span(bias)));
    writer.write(plan[2 * i + 1].name, std::as_bytes(std::span(i == bad ? bad_weight : weight)));
  }
  writer.commit();
  return path;
}

}  // namespace lrq::test
