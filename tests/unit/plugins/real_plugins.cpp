#include "real_plugins.hpp"

#include <gtest/gtest.h>

#include "recipe/plugin_options.hpp"

namespace lrq::test {
namespace {

host::PluginSelection selection(const std::string& section, const std::string& name,
                                const OptionTexts& options) {
  host::PluginSelection chosen{section, name, {"test", 0, 0}, {}};
  for (const auto& [key, value] : options) {
    chosen.options.push_back({key, value, "", {"test", 0, 0}});
  }
  return chosen;
}

template <class Factory>
auto create(const std::shared_ptr<const Factory>& factory, const std::string& section,
            const std::string& name, const OptionTexts& options) {
  if (!factory) throw std::runtime_error(section + " plugin '" + name + "' not found");
  return factory->create(
      host::resolve_options(selection(section, name, options), factory->schema()));
}

}  // namespace

const host::PluginRegistry& real_plugins() {
  static const host::PluginRegistry registry = [] {
    host::PluginRegistry loaded;
    loaded.load({LRQ_TEST_PLUGIN_DIRECTORY});
    return loaded;
  }();
  return registry;
}

std::unique_ptr<Format> make_format(const std::string& name, const OptionTexts& options) {
  return create(real_plugins().format(name), "format", name, options);
}

std::unique_ptr<Backend> make_backend(const std::string& name, const OptionTexts& options) {
  return create(real_plugins().backend(name), "backend", name, options);
}

std::unique_ptr<Optimizer> make_optimizer(const std::string& name, const OptionTexts& options) {
  return create(real_plugins().optimizer(name), "optimizer", name, options);
}

std::unique_ptr<ModelProfile> make_model_profile(const std::string& name,
                                                 const OptionTexts& options) {
  return create(real_plugins().model_profile(name), "model", name, options);
}

}  // namespace lrq::test
