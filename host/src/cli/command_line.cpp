#include "cli/command_line.hpp"

#include <algorithm>
#include <cctype>

#include "cli/log_options.hpp"
#include "lrq/error.hpp"
#include "plugin_search_path.hpp"
#include "recipe/suggest.hpp"

namespace lrq::host {

bool parse_arguments(const Arguments& arguments, const std::string& usage,
                     po::options_description options,
                     const po::positional_options_description& positional,
                     po::variables_map& values, std::ostream& out) {
  options.add_options()("help,h", "show this help");
  add_log_options(options);
  try {
    po::store(po::command_line_parser(arguments).options(options).positional(positional).run(),
              values);
    if (values.count("help") != 0) {
      out << "usage: " << usage << "\n\n" << options;
      return false;
    }
    po::notify(values);
    apply_log_options(values);
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

std::size_t chosen_word(const std::vector<std::string>& tokens,
                        const std::vector<std::string>& words) {
  const std::string& word = po::validators::get_single_string(tokens);
  const auto found = std::find(words.begin(), words.end(), word);
  if (found != words.end()) return static_cast<std::size_t>(found - words.begin());
  po::error_with_option_name error(
      "the argument ('%value%') for option '%canonical_option%' is "
      "not one of " +
      join(words) + did_you_mean(word, words));
  error.set_substitute("value", word);
  throw error;
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
