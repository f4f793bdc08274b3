// Boost.Program_options plumbing shared by the commands.
#pragma once

#include <boost/program_options.hpp>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "cli/commands.hpp"

namespace lrq::host {

namespace po = boost::program_options;

// Parses a command's arguments. Returns false (after printing usage and the options to `out`)
// when --help was given. Unknown options and bad values throw lrq::Error (usage).
bool parse_arguments(const Arguments& arguments, const std::string& usage,
                     po::options_description options,
                     const po::positional_options_description& positional,
                     po::variables_map& values, std::ostream& out);

// For program_options' validate() of an option whose value is one of `words`: the index of the one
// given, or an error naming the option, the value and the choices.
std::size_t chosen_word(const std::vector<std::string>& tokens,
                        const std::vector<std::string>& words);

// --plugin-dir (repeatable), and the search path it makes with LRQ_PLUGIN_PATH and the default.
void add_plugin_dir_option(po::options_description& options);
std::vector<std::filesystem::path> plugin_directories(const po::variables_map& values);

}  // namespace lrq::host
