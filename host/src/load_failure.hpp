// The reason given for a plugin file that the dynamic loader could not load.
#pragma once

#include <string>
#include <string_view>

namespace lrq::host {

// "cannot load: " and the loader's message, which names the file and what it lacks, with the
// likely cause added where the message shows it:
// - a missing symbol version ("<library>: version `GLIBCXX_3.4.32' not found (required by
//   <plugin>)"): the plugin was built against a newer <library> than the one found here, as a
//   plugin built by a newer gcc needs a newer libstdc++;
// - an undefined symbol: its demangled name; for one in libc++'s namespace std::__1, that the
//   plugin was built against libc++; for another of lrq's, that liblrq_core does not define it (the
//   plugin was built against other lrq headers or another std::string ABI).
std::string load_failure_reason(std::string_view loader_message);

}  // namespace lrq::host
