#include "pipeline/backend_devices.hpp"

#include <algorithm>
#include <charconv>
#include <string>

#include "lrq/error.hpp"
#include "recipe/comma_list.hpp"

namespace lrq::host {
namespace {

// Measured on an H100: flux-12b fp8 `original` took 31.6 s with one worker, 20.5 s with two.
constexpr std::size_t kDefaultWorkersPerDevice = 2;

[[noreturn]] void fail(const Location& where, const std::string& message) {
  throw Error(ErrorCategory::recipe, where.to_string() + ": 'backend.devices' " + message);
}

std::int64_t device_index(const std::string& text, const OptionSpec& device,
                          const Location& where) {
  std::int64_t index = -1;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), index);
  const double lowest = device.minimum.value_or(0.0);
  const double highest = device.maximum.value_or(static_cast<double>(INT64_MAX));
  if (error != std::errc() || end != text.data() + text.size() ||
      static_cast<double>(index) < lowest || static_cast<double>(index) > highest) {
    fail(where, "lists '" + text + "', which is not a device index (" +
                    std::to_string(static_cast<std::int64_t>(lowest)) + " to " +
                    std::to_string(static_cast<std::int64_t>(highest)) + ")");
  }
  return index;
}

}  // namespace

std::vector<std::int64_t> take_devices(PluginSelection& backend, const OptionsSchema& schema) {
  const auto written =
      std::find_if(backend.options.begin(), backend.options.end(),
                   [](const RawOption& option) { return option.key == kBackendDevicesKey; });
  if (written == backend.options.end()) return {};
  const RawOption devices = *written;
  backend.options.erase(written);
  const OptionSpec* device = schema.find("device");
  if (device == nullptr || device->type != OptionType::integer) {
    fail(devices.location,
         "needs a backend with a 'device' option; backend '" + backend.name + "' has none");
  }
  const bool device_too =
      std::any_of(backend.options.begin(), backend.options.end(),
                  [](const RawOption& option) { return option.key == "device"; });
  if (device_too) fail(devices.location, "and 'backend.device' are both given; keep one");
  const std::vector<std::string> texts =
      devices.scalar && !devices.quoted ? split_list(*devices.scalar) : devices.items;
  if (texts.empty()) {
    const std::string got = devices.scalar                        ? "'" + *devices.scalar + "'"
                            : devices.non_scalar_kind == "a list" ? "an empty list or one of lists"
                                                                  : devices.non_scalar_kind;
    fail(devices.location, "is a list of device indices, e.g. [0, 1], got " + got);
  }
  std::vector<std::int64_t> indices;
  for (const std::string& text : texts)
    indices.push_back(device_index(text, *device, devices.location));
  return indices;
}

std::vector<std::int64_t> default_devices(const OptionsSchema& schema, const Options& options) {
  const OptionSpec* device = schema.find("device");
  if (device == nullptr || device->type != OptionType::integer || !options.contains("device")) {
    return {};
  }
  return std::vector<std::int64_t>(kDefaultWorkersPerDevice, options.get_int("device"));
}

std::vector<std::string> devices_setting(const std::vector<std::int64_t>& devices) {
  if (devices.empty()) return {};
  std::string text = "devices=";
  for (std::size_t i = 0; i < devices.size(); ++i)
    text += (i == 0 ? "" : ",") + std::to_string(devices[i]);
  return {text};
}

}  // namespace lrq::host
