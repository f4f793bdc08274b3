// The project's own plugins, loaded from the build tree through the real loader, configured the
// way a recipe would configure them.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "lrq/backend.hpp"
#include "lrq/format.hpp"
#include "lrq/model_profile.hpp"
#include "lrq/optimizer.hpp"
#include "plugin_registry.hpp"

namespace lrq::test {

using OptionTexts = std::vector<std::pair<std::string, std::string>>;

const host::PluginRegistry& real_plugins();

std::unique_ptr<Format> make_format(const std::string& name, const OptionTexts& options = {});
std::unique_ptr<Backend> make_backend(const std::string& name, const OptionTexts& options = {});
std::unique_ptr<Optimizer> make_optimizer(const std::string& name, const OptionTexts& options = {});
std::unique_ptr<ModelProfile> make_model_profile(const std::string& name,
                                                 const OptionTexts& options = {});

}  // namespace lrq::test
