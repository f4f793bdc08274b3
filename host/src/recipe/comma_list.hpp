// "a,b,,c" -> {"a", "b", "c"}: a list written on the command line.
#pragma once

#include <string>
#include <vector>

namespace lrq::host {

std::vector<std::string> split_list(const std::string& text);

}  // namespace lrq::host
