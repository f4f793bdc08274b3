// lrq-host plugins: every plugin found, and every plugin file rejected with its reason.
#include <nlohmann/json.hpp>

#include "cli/command_line.hpp"
#include "cli/text_table.hpp"
#include "plugin_registry.hpp"

namespace lrq::host {
namespace {

std::string abi_of(const LoadedLibrary& library) {
  return std::to_string(library.abi_major) + "." + std::to_string(library.abi_minor);
}

void print_json(const PluginRegistry& registry,
                const std::vector<std::filesystem::path>& directories, std::ostream& out) {
  nlohmann::ordered_json json;
  json["search_path"] = nlohmann::ordered_json::array();
  for (const auto& directory : directories)
    json["search_path"].push_back(directory.string());
  json["plugins"] = nlohmann::ordered_json::array();
  for (const FactoryListing& factory : registry.factories()) {
    json["plugins"].push_back({{"kind", kind_name(factory.kind)},
                               {"name", factory.name},
                               {"description", factory.description},
                               {"version", factory.library->version},
                               {"abi", abi_of(*factory.library)},
                               {"path", factory.library->path.string()}});
  }
  json["rejected"] = nlohmann::ordered_json::array();
  for (const PluginRejection& rejection : registry.rejections()) {
    json["rejected"].push_back({{"path", rejection.path.string()}, {"reason", rejection.reason}});
  }
  out << json.dump(2) << '\n';
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
  options.add_options()("json", po::bool_switch(), "print JSON instead of tables");
  add_plugin_dir_option(options);
  po::variables_map values;
  if (!parse_arguments(arguments, "lrq-host plugins [--plugin-dir DIR]... [--json]", options, {},
                       values, out)) {
    return 0;
  }
  const std::vector<std::filesystem::path> directories = plugin_directories(values);
  PluginRegistry registry;
  registry.load(directories);
  if (values["json"].as<bool>()) {
    print_json(registry, directories, out);
  } else {
    print_text(registry, directories, out);
  }
  return 0;
}

}  // namespace lrq::host
