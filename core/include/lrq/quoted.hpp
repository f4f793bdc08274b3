// How messages, logs and tables show text that comes from a file (tensor names, metadata keys and
// values, plugin names): never raw, so a crafted name cannot drive the terminal or fake a line.
#pragma once

#include <string>
#include <string_view>

namespace lrq {

// `text` with C-style \xNN escapes for control bytes (newline, carriage return, escape, ...),
// DEL, the C1 controls U+0080 to U+009F and every byte that is not part of valid UTF-8.
std::string escaped(std::string_view text);

// escaped(text) in single quotes: how messages name a tensor, key or field.
std::string in_quotes(std::string_view text);

}  // namespace lrq
