// lrq-host plugins: every plugin found, and every plugin file rejected with its reason.
#include "cli/command_line.hpp"
#include "cli/text_table.hpp"
#include "pipeline/json_document.hpp"
#include "plugin_registry.hpp"

namespace lrq::host {
namespace {

OptionsSchema schema_of(const PluginRegistry& registry, const FactoryListing& factory) {
  switch (factory.kind) {
    case PluginKind::format:
      return registry.format(factory.name)->schema();
    case PluginKind::optimizer:
      return registry.optimizer(factory.name)->schema();
    case PluginKind::model:
      return registry.model_profile(factory.name)->schema();
    case PluginKind::backend:
      return registry.backend(factory.name)->schema();
  }
  return {};
}

std::string choices_of(const OptionSpec& spec) {
  std::string text;
  for (const OptionValue& choice : spec.choices)
    text += (text.empty() ? "" : "|") + to_string(choice);
  return text;
}

Json schema_json(const OptionsSchema& schema) {
  Json options = Json::array();
  for (const OptionSpec& spec : schema.specs())
    options.push_back(option_spec_json(spec));
  return options;
}

std::string abi_of(const LoadedLibrary& library) {
  return std::to_string(library.abi_major) + "." + std::to_string(library.abi_minor);
}

void print_json(const PluginRegistry& registry,
                const std::vector<std::filesystem::path>& directories, std::ostream& out) {
  Json json = json_document("plugins");
  json["search_path"] = Json::array();
  for (const auto& directory : directories)
    json["search_path"].push_back(directory.string());
  json["plugins"] = Json::array();
  for (const FactoryListing& factory : registry.factories()) {
    json["plugins"].push_back({{"kind", kind_name(factory.kind)},
                               {"name", factory.name},
                               {"description", factory.description},
                               {"version", factory.library->version},
                               {"abi", abi_of(*factory.library)},
                               {"path", factory.library->path.string()},
                               {"options", schema_json(schema_of(registry, factory))}});
  }
  json["rejected"] = Json::array();
  for (const PluginRejection& rejection : registry.rejections()) {
    json["rejected"].push_back({{"path", rejection.path.string()}, {"reason", rejection.reason}});
  }
  out << json_text(json) << '\n';
}

void print_options(const PluginRegistry& registry, std::ostream& out) {
  for (const FactoryListing& factory : registry.factories()) {
    const OptionsSchema schema = schema_of(registry, factory);
    out << '\n'
        << kind_name(factory.kind) << ' ' << factory.name << ": "
        << (schema.specs().empty() ? "no options" : "options") << '\n';
    TextTable table({"option", "type", "default", "choices", "meaning"});
    for (const OptionSpec& spec : schema.specs()) {
      table.add({spec.name, type_name(spec.type), to_string(spec.default_value), choices_of(spec),
                 spec.help});
    }
    if (!table.empty()) table.print(out);
  }
}

void print_text(const PluginRegistry& registry,
                const std::vector<std::filesystem::path>& directories, std::ostream& out) {
  out << "search path:\n";
  for (const auto& directory : directories)
    out << "  " << directory.string() << '\n';
  TextTable plugins({"kind", "name", "version", "abi", "description", "path"});
  for (const FactoryListing& factory : registry.factories()) {
    plugins.add({kind_name(factory.kind), factory.name, factory.library->version,
                 abi_of(*factory.library), factory.description, factory.library->path.string()});
  }
  out << '\n';
  plugins.print(out);
  if (registry.rejections().empty()) return;
  out << "\nrejected:\n";
  for (const PluginRejection& rejection : registry.rejections()) {
    out << "  " << rejection.path.string() << ": " << rejection.reason << '\n';
  }
}

}  // namespace

int plugins_command(const Arguments& arguments, std::ostream& out) {
  po::options_description options("plugins options");
  options.add_options()("json", po::bool_switch(), "print JSON instead of tables")(
      "options", po::bool_switch(), "also list every plugin's options");
  add_plugin_dir_option(options);
  po::variables_map values;
  if (!parse_arguments(arguments, "lrq-host plugins [--plugin-dir DIR]... [--options] [--json]",
                       options, {}, values, out)) {
    return 0;
  }
  const std::vector<std::filesystem::path> directories = plugin_directories(values);
  PluginRegistry registry;
  registry.load(directories);
  if (values["json"].as<bool>()) {
    print_json(registry, directories, out);
  } else {
    print_text(registry, directories, out);
    if (values["options"].as<bool>()) print_options(registry, out);
  }
  return 0;
}

}  // namespace lrq::host
