#include "pipeline/shard_index.hpp"

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "lrq/error.hpp"
#include "lrq/quoted.hpp"
#include "lrq/safetensors.hpp"
#include "pipeline/file_identity.hpp"

namespace lrq::host {
namespace {

using Json = nlohmann::json;

constexpr int kMaxDepth = 64;  // a valid index nests 2 deep

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& what) {
  throw Error(ErrorCategory::input, path.string() + ": " + what);
}

std::string read_text(const std::filesystem::path& path) {
  require_regular_input(path, ErrorCategory::input);
  std::error_code error;
  const std::uintmax_t size = std::filesystem::file_size(path, error);
  if (error) fail(path, "cannot read the index: " + error.message());
  if (size > kMaxSafetensorsHeaderBytes) {
    fail(path, "the index is " + std::to_string(size) + " bytes, more than the limit of " +
                   std::to_string(kMaxSafetensorsHeaderBytes));
  }
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  if (!file) fail(path, "cannot read the index");
  return std::move(text).str();
}

// Parses, refusing duplicate keys (nlohmann would keep the last) and deep nesting.
Json parse(const std::filesystem::path& path, const std::string& text) {
  std::vector<std::set<std::string>> open_objects;
  const Json::parser_callback_t watch = [&](int depth, Json::parse_event_t event, Json& parsed) {
    if (depth > kMaxDepth) fail(path, "the index nests deeper than " + std::to_string(kMaxDepth));
    if (event == Json::parse_event_t::object_start) open_objects.emplace_back();
    if (event == Json::parse_event_t::object_end) open_objects.pop_back();
    if (event == Json::parse_event_t::key &&
        !open_objects.back().insert(parsed.get<std::string>()).second) {
      fail(path, "duplicate key " + in_quotes(parsed.get<std::string>()));
    }
    return true;
  };
  try {
    return Json::parse(text, watch);
  } catch (const Json::exception& error) {
    fail(path, std::string("the index is not valid JSON: ") + error.what());
  }
}

// A shard is named relative to the index and stays in its directory.
void check_shard_name(const std::filesystem::path& path, const std::string& tensor,
                      const std::string& shard) {
  const std::filesystem::path name(shard);
  bool climbs = false;
  for (const std::filesystem::path& part : name)
    climbs = climbs || part == "..";
  if (shard.empty() || name.is_absolute() || climbs || !name.has_filename()) {
    fail(path, "weight_map: tensor " + in_quotes(tensor) + " names the shard " + in_quotes(shard) +
                   ", which is not a file name inside the index's directory");
  }
}

std::optional<std::uint64_t> total_size(const std::filesystem::path& path, const Json& index) {
  const auto metadata = index.find("metadata");
  if (metadata == index.end() || metadata->is_null()) return std::nullopt;
  if (!metadata->is_object()) {
    fail(path, std::string("field 'metadata' must be an object, not ") + metadata->type_name());
  }
  const auto size = metadata->find("total_size");
  if (size == metadata->end()) return std::nullopt;
  // Writers disagree on the type; any whole number that fits 64 bits will do, 1024.0 too.
  if (size->is_number_unsigned()) return size->get<std::uint64_t>();
  constexpr double kTwoToThe64 = 18446744073709551616.0;
  if (size->is_number_float()) {
    const double value = size->get<double>();
    if (value >= 0 && value < kTwoToThe64 && value == std::floor(value)) {
      return static_cast<std::uint64_t>(value);
    }
  }
  fail(path, "metadata.total_size must be a whole number from 0 to 2^64 - 1, not " + size->dump());
}

// "00002"
std::string five_digits(std::size_t number) {
  const std::string digits = std::to_string(number);
  return std::string(digits.size() < 5 ? 5 - digits.size() : 0, '0') + digits;
}

// Exactly five decimal digits at the front of `text`, removed from it.
std::optional<std::size_t> take_five_digits(std::string_view& text) {
  if (text.size() < 5) return std::nullopt;
  std::size_t number = 0;
  for (const char digit : text.substr(0, 5)) {
    if (digit < '0' || digit > '9') return std::nullopt;
    number = number * 10 + static_cast<std::size_t>(digit - '0');
  }
  text.remove_prefix(5);
  return number;
}

}  // namespace

std::optional<ShardFileName> parse_shard_file_name(std::string_view name) {
  static constexpr std::string_view kSuffix = ".safetensors";
  static constexpr std::string_view kNumbers = "-00000-of-00000";
  if (name.size() < kNumbers.size() + kSuffix.size() || !name.ends_with(kSuffix)) {
    return std::nullopt;
  }
  name.remove_suffix(kSuffix.size());
  const std::string_view stem = name.substr(0, name.size() - kNumbers.size());
  std::string_view numbers = name.substr(stem.size());
  if (!numbers.starts_with('-')) return std::nullopt;
  numbers.remove_prefix(1);
  const std::optional<std::size_t> number = take_five_digits(numbers);
  if (!number || !numbers.starts_with("-of-")) return std::nullopt;
  numbers.remove_prefix(4);
  const std::optional<std::size_t> count = take_five_digits(numbers);
  if (!count) return std::nullopt;
  return ShardFileName{std::string(stem), *number, *count};
}

std::string shard_file_name(const std::string& stem, std::size_t number, std::size_t count) {
  return stem + "-" + five_digits(number) + "-of-" + five_digits(count) + ".safetensors";
}

ShardIndex read_shard_index(const std::filesystem::path& path) {
  const Json index = parse(path, read_text(path));
  if (!index.is_object()) {
    fail(path, std::string("the index must be a JSON object, not ") + index.type_name());
  }
  const auto weight_map = index.find("weight_map");
  if (weight_map == index.end()) fail(path, "no field 'weight_map'");
  if (!weight_map->is_object()) {
    fail(path, std::string("field 'weight_map' must be an object, not ") + weight_map->type_name());
  }
  if (weight_map->empty()) fail(path, "field 'weight_map' names no tensors");
  ShardIndex shard_index{path, {}, {}, total_size(path, index)};
  std::set<std::string> shards;
  for (const auto& [tensor, shard] : weight_map->items()) {
    if (!shard.is_string()) {
      fail(path, "weight_map: the shard of tensor " + in_quotes(tensor) +
                     " must be a string, not " + shard.type_name());
    }
    check_shard_name(path, tensor, shard.get<std::string>());
    shard_index.weight_map.emplace(tensor, shard.get<std::string>());
    shards.insert(shard.get<std::string>());
  }
  shard_index.shards.assign(shards.begin(), shards.end());
  return shard_index;
}

}  // namespace lrq::host
