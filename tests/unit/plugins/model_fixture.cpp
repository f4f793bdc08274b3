#include "model_fixture.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace lrq::test {
namespace {

Shape parse_shape(const std::string& text) {
  Shape shape;
  if (text == "-") return shape;
  std::istringstream dims(text);
  for (std::string dim; std::getline(dims, dim, ',');)
    shape.push_back(std::stoll(dim));
  return shape;
}

}  // namespace

ModelIndex load_model_fixture(const std::string& name) {
  const std::string path =
      std::string(LRQ_TEST_SOURCE_DIRECTORY) + "/tests/fixtures/models/" + name + ".txt";
  std::ifstream file(path);
  if (!file) throw std::runtime_error("cannot open " + path);
  std::vector<TensorInfo> tensors;
  for (std::string line; std::getline(file, line);) {
    if (line.empty() || line.starts_with('#')) continue;
    std::istringstream fields(line);
    std::string key, dtype_name, shape;
    fields >> key >> dtype_name >> shape;
    const auto dtype = dtype_from_safetensors_name(dtype_name);
    if (!dtype || shape.empty()) throw std::runtime_error(path + ": bad line '" + line + "'");
    tensors.push_back({key, *dtype, parse_shape(shape)});
  }
  return ModelIndex(std::move(tensors));
}

}  // namespace lrq::test
