// `backend.devices`: a host key of the backend section that runs one backend per listed device,
// each with the section's plugin and options and its `device` option set to that entry ([0, 0]:
// two workers on device 0). Written as a YAML list, or as "0,1" (from --set). Without it, a backend
// with a `device` option runs two workers on that device.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lrq/options.hpp"
#include "recipe/recipe.hpp"

namespace lrq::host {

// Takes `devices` out of the section's options and returns its entries; empty when the section has
// none. Throws lrq::Error (recipe) naming the location of a value that is not a non-empty list of
// device indices within the schema's range of `device`, of a backend without a `device` option, or
// of a section that gives `device` as well.
std::vector<std::int64_t> take_devices(PluginSelection& backend, const OptionsSchema& schema);

// Two workers on the device of `options` for a backend whose schema has an integer `device` option
// (one layer's host work, solver waits and transfers then overlap the other's kernels); none
// otherwise.
std::vector<std::int64_t> default_devices(const OptionsSchema& schema, const Options& options);

// {"devices=0,1"} for the plugin's label; none for no devices.
std::vector<std::string> devices_setting(const std::vector<std::int64_t>& devices);

}  // namespace lrq::host
