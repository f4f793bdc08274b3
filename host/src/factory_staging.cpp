#include "factory_staging.hpp"

#include <algorithm>

#include "lrq/plugin.hpp"

namespace lrq::host {

namespace {

using RawFactory =
    std::variant<std::unique_ptr<FormatFactory>, std::unique_ptr<OptimizerFactory>,
                 std::unique_ptr<ModelProfileFactory>, std::unique_ptr<BackendFactory>>;
static_assert(std::variant_size_v<RawFactory> == std::variant_size_v<AnyGuardedFactory>);

// Collects what the plugin registers. Throws nothing into plugin code: a null factory is only
// noted, so that a plugin catching exceptions cannot hide it.
class StagingRegistrar final : public Registrar {
 public:
  void add(std::unique_ptr<FormatFactory> factory) override { stage(std::move(factory)); }
  void add(std::unique_ptr<OptimizerFactory> factory) override { stage(std::move(factory)); }
  void add(std::unique_ptr<ModelProfileFactory> factory) override { stage(std::move(factory)); }
  void add(std::unique_ptr<BackendFactory> factory) override { stage(std::move(factory)); }

  std::vector<RawFactory>& factories() noexcept { return factories_; }
  bool received_null() const noexcept { return received_null_; }

 private:
  template <class Factory>
  void stage(std::unique_ptr<Factory> factory) {
    if (factory) {
      factories_.emplace_back(std::move(factory));
    } else {
      received_null_ = true;
    }
  }

  std::vector<RawFactory> factories_;
  bool received_null_ = false;
};

// Asked of the plugin's own object, so that a failure reads as a load error of this file rather
// than as a call error.
StagedFactory describe(const RawFactory& factory) {
  const auto kind = static_cast<PluginKind>(factory.index());
  try {
    return std::visit(
        [kind](const auto& raw) {
          return StagedFactory{kind, raw->name(), raw->description(), {}};
        },
        factory);
  } catch (...) {
    throw PluginRejected(
        std::string("a ") + kind_name(kind) +
        " factory threw when asked for its name or description: " + describe_current_exception());
  }
}

AnyGuardedFactory guard(std::shared_ptr<const LoadedLibrary> library, RawFactory factory) {
  return std::visit(
      [&library](auto& raw) -> AnyGuardedFactory {
        using Factory = typename std::decay_t<decltype(raw)>::element_type;
        return std::make_shared<const GuardedFactory<Factory>>(std::move(library), std::move(raw));
      },
      factory);
}

void check_name(const StagedFactory& candidate, const std::vector<StagedFactory>& earlier) {
  const std::string label = std::string(kind_name(candidate.kind)) + " '" + candidate.name + "'";
  if (!is_valid_factory_name(candidate.name)) {
    throw PluginRejected("invalid " + label + ": names use only a-z, 0-9 and _");
  }
  const bool twice = std::any_of(earlier.begin(), earlier.end(), [&](const StagedFactory& other) {
    return other.kind == candidate.kind && other.name == candidate.name;
  });
  if (twice) throw PluginRejected("duplicate " + label + ": registered twice by this plugin");
}

}  // namespace

std::vector<StagedFactory> stage_factories(const OpenedPlugin& plugin) {
  StagingRegistrar registrar;
  try {
    plugin.register_factories(registrar);
  } catch (...) {
    throw PluginRejected("register_factories threw: " + describe_current_exception());
  }
  if (registrar.received_null()) throw PluginRejected("registered a null factory");
  if (registrar.factories().empty()) throw PluginRejected("registered no factories");

  std::vector<StagedFactory> staged;
  for (RawFactory& factory : registrar.factories()) {
    StagedFactory candidate = describe(factory);
    check_name(candidate, staged);
    candidate.factory = guard(plugin.library, std::move(factory));
    staged.push_back(std::move(candidate));
  }
  return staged;
}

}  // namespace lrq::host
