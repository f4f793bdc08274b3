// Loading a plugin file runs its code (static initialisers, the entry point, register_factories),
// and a crash there would end the process that loads it. So the files are first loaded in child
// processes (fork, then open_plugin and stage_factories there): one per core, each loading its
// share of the files in turn, and after a file that ends its child, a new child goes on with the
// rest. Only what a child survived is loaded in this process. The children's standard output and
// error go to /dev/null, so a plugin's output is not printed twice.
//
// fork() copies only the calling thread, so call this before starting threads that could hold a
// lock the loader or a plugin's initialisers need (the registry loads before any work starts).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace lrq::host {

// One entry per file: empty when the child loaded it (or rejected it with a reason that loading
// it here gives again), otherwise why it must not be loaded here, e.g. "crashed while loading:
// SIGSEGV" or "exited with status 3 while loading". Empty for all when no child can be started.
std::vector<std::string> probe_plugin_files(const std::vector<std::filesystem::path>& files);

}  // namespace lrq::host
