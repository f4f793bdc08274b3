// Opens one plugin file and checks its handshake, without running any of its C++ code except the
// entry point: the machine it is built for, the `lrq_plugin_entry` symbol in section `lrq`,
// loading, the descriptor's ABI version and toolchain.
#pragma once

#include <filesystem>
#include <memory>
#include <stdexcept>

#include "loaded_library.hpp"

namespace lrq {
class Registrar;
}  // namespace lrq

namespace lrq::host {

// Why a plugin file was skipped; what() is the one-line reason shown to the user.
class PluginRejected : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct OpenedPlugin {
  std::shared_ptr<const LoadedLibrary> library;
  void (*register_factories)(Registrar& registrar) = nullptr;  // lives in `library`
};

// Throws PluginRejected with the reason when the file is not a loadable plugin for this host.
OpenedPlugin open_plugin(const std::filesystem::path& path);

}  // namespace lrq::host
