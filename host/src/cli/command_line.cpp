#include "cli/command_line.hpp"

#include <cctype>

#include "lrq/error.hpp"
#include "plugin_search_path.hpp"

namespace lrq::host {

bool parse_arguments(const Arguments& arguments, const std::string& usage,
                     po::options_description options,
                     const po::positional_options_description& positional,
                     po::variables_map& values, std::ostream& out) {
  options.add_options()("help,h", "show this help");
  try {
    po::store(po::command_line_parser(arguments).options(options).positional(positional).run(),
              values);
    if (values.count("help") != 0) {
      out << "usage: " << usage << "\n\n" << options;
      return false;
    }
    po::notify(values);
  } catch (const po::required_option& missing) {
    // Required options here are the positional arguments: name them as the usage line does.
    std::string name = missing.get_option_name();
    name.erase(0, name.find_first_not_of('-'));
    for (char& c : name)
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    throw Error(ErrorCategory::usage, "missing " + name + "\nusage: " + usage);
  } catch (const po::error& error) {
    throw Error(ErrorCategory::usage, std::string(error.what()) + "\nusage: " + usage);
  }
  return true;
}

void add_plugin_dir_option(po::options_description& options) {
  options.add_options()("plugin-dir", po::value<std::vector<std::string>>()->composing(),
                        "search this directory for plugins before LRQ_PLUGIN_PATH and the "
                        "default (repeatable)");
}

std::vector<std::filesystem::path> plugin_directories(const po::variables_map& values) {
  std::vector<std::filesystem::path> directories;
  if (values.count("plugin-dir") != 0) {
    for (const std::string& directory : values["plugin-dir"].as<std::vector<std::string>>()) {
      directories.emplace_back(directory);
    }
  }
  return plugin_search_path(directories);
}

}  // namespace lrq::host
