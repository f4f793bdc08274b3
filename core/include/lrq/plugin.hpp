// What a plugin library exports: one entry point, found through Boost.DLL in the section "lrq",
// returning a plain-data descriptor that the host checks (ABI version, toolchain) before it lets
// any C++ object cross the boundary. Only then does it call register_factories.
//
//   void register_my_format(lrq::Registrar& registrar) {
//     registrar.add(std::make_unique<MyFormatFactory>());
//   }
//   LRQ_PLUGIN("my_format", "0.1.0", "What it does", register_my_format)
#pragma once

#include <cstdint>
#include <memory>

#include <boost/dll/alias.hpp>

#include "lrq/abi.hpp"
#include "lrq/backend.hpp"
#include "lrq/format.hpp"
#include "lrq/model_profile.hpp"
#include "lrq/optimizer.hpp"

namespace lrq {

class Registrar {
 public:
  virtual void add(std::unique_ptr<FormatFactory> factory) = 0;
  virtual void add(std::unique_ptr<OptimizerFactory> factory) = 0;
  virtual void add(std::unique_ptr<ModelProfileFactory> factory) = 0;
  virtual void add(std::unique_ptr<BackendFactory> factory) = 0;

 protected:
  ~Registrar() = default;
};

}  // namespace lrq

extern "C" {
struct lrq_plugin_descriptor {
  std::uint32_t struct_size;  // sizeof(lrq_plugin_descriptor) as the plugin saw it
  std::uint32_t abi_major;
  std::uint32_t abi_minor;
  const char* toolchain;  // LRQ_TOOLCHAIN_FINGERPRINT of the plugin's compiler
  const char* name;
  const char* version;
  const char* description;
  void (*register_factories)(lrq::Registrar& registrar);
};
}

using lrq_plugin_entry_function = const lrq_plugin_descriptor*();

#define LRQ_PLUGIN_SECTION lrq
#define LRQ_PLUGIN_ENTRY_SYMBOL "lrq_plugin_entry"

#define LRQ_PLUGIN(NAME, VERSION, DESCRIPTION, REGISTER_FUNCTION)                \
  static const lrq_plugin_descriptor* lrq_plugin_descriptor_function() {         \
    static const lrq_plugin_descriptor descriptor{sizeof(lrq_plugin_descriptor), \
                                                  LRQ_ABI_MAJOR,                 \
                                                  LRQ_ABI_MINOR,                 \
                                                  LRQ_TOOLCHAIN_FINGERPRINT,     \
                                                  NAME,                          \
                                                  VERSION,                       \
                                                  DESCRIPTION,                   \
                                                  &REGISTER_FUNCTION};           \
    return &descriptor;                                                          \
  }                                                                              \
  BOOST_DLL_ALIAS_SECTIONED(lrq_plugin_descriptor_function, lrq_plugin_entry, lrq)
