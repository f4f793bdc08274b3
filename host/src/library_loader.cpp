#include "library_loader.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <cstddef>
#include <ios>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <boost/dll/library_info.hpp>
#include <boost/dll/shared_library.hpp>

#include "elf_check.hpp"
#include "elf_machine.hpp"
#include "guard.hpp"
#include "handshake.hpp"
#include "load_failure.hpp"
#include "lrq/abi.hpp"
#include "lrq/plugin.hpp"

namespace lrq::host {

namespace {

namespace dll = boost::dll;

constexpr const char* entry_section = LRQ_ABI_STRINGIFY(LRQ_PLUGIN_SECTION);

// Every field up to register_factories, the last one the host reads.
constexpr std::size_t descriptor_bytes_read = offsetof(lrq_plugin_descriptor, register_factories) +
                                              sizeof(lrq_plugin_descriptor::register_factories);

std::string not_a_plugin() {
  return std::string("not an lrq plugin: no '") + LRQ_PLUGIN_ENTRY_SYMBOL + "' in section '" +
         entry_section + "'";
}

// Boost reads the file with stream exceptions on and trusts the sizes it finds, so a truncated or
// corrupt ELF file surfaces only as "basic_ios::clear: iostream error" or a failed allocation.
std::string not_a_shared_library(const std::exception& error) {
  const bool malformed = dynamic_cast<const std::ios_base::failure*>(&error) ||
                         dynamic_cast<const std::bad_alloc*>(&error) ||
                         dynamic_cast<const std::length_error*>(&error);
  if (malformed) return "not a shared library (truncated or malformed ELF file)";
  return std::string("not a shared library: ") + error.what();
}

bool contains(const std::vector<std::string>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// Reads the file's sections without loading it, so a stray library never runs its initialisers.
// Boost 1.74 reads symbol names from the static symbol table (.symtab) only, which stripping
// removes; for a stripped library the section alone decides, and dlsym checks the symbol after
// loading. Boost's reader can crash on a corrupt file, so check_elf_file vets it first.
void require_entry_point(const std::filesystem::path& path) {
  if (const std::string problem = check_elf_file(path); !problem.empty()) {
    throw PluginRejected("not a shared library (" + problem + ")");
  }
  bool found = false;
  try {
    dll::library_info info(path);
    const std::vector<std::string> sections = info.sections();
    found = contains(sections, entry_section) &&
            (!contains(sections, ".symtab") ||
             contains(info.symbols(entry_section), LRQ_PLUGIN_ENTRY_SYMBOL));
  } catch (const std::exception& error) {
    throw PluginRejected(not_a_shared_library(error));
  }
  if (!found) throw PluginRejected(not_a_plugin());
}

// RTLD_NODELETE keeps the code mapped until the process exits, even after the last handle is
// closed: OpenMP and CUDA runtimes inside plugins leave threads and callbacks behind that do not
// survive dlclose.
std::shared_ptr<dll::shared_library> load_library(const std::filesystem::path& path) {
  const auto mode = static_cast<dll::load_mode::type>(dll::load_mode::rtld_now |
                                                      dll::load_mode::rtld_local | RTLD_NODELETE);
  auto library = std::make_shared<dll::shared_library>();
  dll::fs::error_code error;
  dlerror();
  library->load(path, mode, error);
  if (error) {
    // Boost 1.74 keeps the loader's own message (e.g. which dependency is missing) only in
    // dlerror(); its error_code says "Bad file descriptor".
    const char* loader_message = dlerror();
    throw PluginRejected(load_failure_reason(loader_message ? loader_message : error.message()));
  }
  return library;
}

std::string text_or_empty(const char* text) {
  return text ? text : "";
}

// struct_size is checked first: any other field may lie beyond the plugin's descriptor.
void check_descriptor(const lrq_plugin_descriptor* descriptor) {
  if (!descriptor) throw PluginRejected("lrq_plugin_entry returned no descriptor");
  if (descriptor->struct_size < descriptor_bytes_read) {
    throw PluginRejected("descriptor is " + std::to_string(descriptor->struct_size) +
                         " bytes, this host reads " + std::to_string(descriptor_bytes_read));
  }
  const std::string toolchain = text_or_empty(descriptor->toolchain);
  const std::string incompatibility = handshake_incompatibility(
      {descriptor->abi_major, descriptor->abi_minor, toolchain}, host_handshake());
  if (!incompatibility.empty()) throw PluginRejected(incompatibility);
  if (!descriptor->register_factories) {
    throw PluginRejected("descriptor has no register_factories function");
  }
}

}  // namespace

OpenedPlugin open_plugin(const std::filesystem::path& path) {
  if (const std::string machine = foreign_machine(path); !machine.empty()) {
    throw PluginRejected(machine);
  }
  require_entry_point(path);
  std::shared_ptr<dll::shared_library> library = load_library(path);
  lrq_plugin_entry_function* entry = nullptr;
  try {
    entry = &library->get_alias<lrq_plugin_entry_function>(LRQ_PLUGIN_ENTRY_SYMBOL);
  } catch (const std::exception&) {
    throw PluginRejected(not_a_plugin());
  }
  const lrq_plugin_descriptor* descriptor = nullptr;
  try {
    descriptor = entry();
  } catch (...) {
    throw PluginRejected("lrq_plugin_entry threw: " + describe_current_exception());
  }
  check_descriptor(descriptor);
  auto loaded = std::make_shared<LoadedLibrary>(LoadedLibrary{
      path, text_or_empty(descriptor->name), text_or_empty(descriptor->version),
      text_or_empty(descriptor->description), descriptor->abi_major, descriptor->abi_minor,
      text_or_empty(descriptor->toolchain), std::move(library)});
  return OpenedPlugin{std::move(loaded), descriptor->register_factories};
}

}  // namespace lrq::host
