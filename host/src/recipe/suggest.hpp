// "Did you mean ...?" for misspelt keys and names.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace lrq::host {

// The closest candidate within a small edit distance, or an empty string.
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

// " (did you mean 'x'?)" or "".
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

std::string join(const std::vector<std::string>& words, std::string_view separator = ", ");
// The first `limit` words joined by ", ", then ", ..." when there are more.
std::string join_first(const std::vector<std::string>& words, std::size_t limit);

}  // namespace lrq::host
