// A plugin library that passed the handshake: copies of its descriptor's strings and the handle
// that keeps its code loaded. Every object that came out of the library holds one of these.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

namespace boost::dll {
class shared_library;  // only the loader needs the definition
}  // namespace boost::dll

namespace lrq::host {

struct LoadedLibrary {
  std::filesystem::path path;
  std::string name;
  std::string version;
  std::string description;
  std::uint32_t abi_major = 0;
  std::uint32_t abi_minor = 0;
  std::string toolchain;
  std::shared_ptr<boost::dll::shared_library> library;
};

}  // namespace lrq::host
