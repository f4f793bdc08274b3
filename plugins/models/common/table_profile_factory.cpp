// The factory of a table's profile, with the one option a table profile has.
#include <memory>

#include "table_profile.hpp"

namespace lrq::models {
namespace {

constexpr const char* kAvoidListOption = "generic_avoid_list";

class TableProfileFactory final : public ModelProfileFactory {
 public:
  explicit TableProfileFactory(const ProfileTable& table) : table_(table) {}

  std::string name() const override { return std::string(table_.name); }
  std::string description() const override { return std::string(table_.description); }

  // A table whose own list is the generic avoid list has nothing to turn off.
  OptionsSchema schema() const override {
    OptionsSchema schema;
    if (!table_.includes_avoid_list) {
      schema.add(OptionSpec::boolean(
          kAvoidListOption, true,
          "also keep the layers that the generic avoid list names (norms, biases, embeddings); "
          "false applies this profile's lists only, as the reference's FP8/INT8 path does"));
    }
    return schema;
  }

  std::unique_ptr<ModelProfile> create(const Options& options) const override {
    const bool apply_avoid_list = table_.includes_avoid_list || options.get_bool(kAvoidListOption);
    return std::make_unique<TableProfile>(table_, apply_avoid_list);
  }

 private:
  const ProfileTable& table_;
};

}  // namespace

void register_table_profile(Registrar& registrar, const ProfileTable& table) {
  registrar.add(std::make_unique<TableProfileFactory>(table));
}

}  // namespace lrq::models
