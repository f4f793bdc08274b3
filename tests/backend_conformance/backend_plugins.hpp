// Which backends the conformance suite tests and where their plugins come from. Both are read when
// the suite is instantiated (testing::InitGoogleTest), from the environment:
//   LRQ_CONFORMANCE_BACKENDS     comma-separated backend names, each of which must be found; unset:
//                                cpu (required), cuda and cublaslt (skipped where not built)
//   LRQ_CONFORMANCE_PLUGIN_PATH  colon-separated directories searched first, earlier wins
// after which the suite searches the plugin directory of the lrq that this process runs with:
// lrq/plugins beside liblrq_core (the build tree's lib/lrq/plugins, or the installation's).
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "lrq/backend.hpp"

namespace lrq::test {

std::vector<std::string> backend_names();

// Whether the backend may be missing: then its cases are skipped instead of failing.
bool backend_is_optional(const std::string& name);

std::vector<std::filesystem::path> backend_plugin_directories();

// The backend plugin's factory, loaded (and kept loaded) by the host's loader; null when no plugin
// directory provides it.
std::shared_ptr<const BackendFactory> backend_factory(const std::string& name);

// Why backend_factory(name) found nothing: the loader's reason for each file of that name, or
// that no directory holds one.
std::string missing_backend_reason(const std::string& name);

}  // namespace lrq::test
