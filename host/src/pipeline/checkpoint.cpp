#include "pipeline/checkpoint.hpp"

#include <algorithm>
#include <functional>
#include <map>

#include "lrq/error.hpp"
#include "lrq/log.hpp"
#include "lrq/quoted.hpp"
#include "pipeline/shard_index.hpp"

namespace lrq::host {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const fs::path& path, const std::string& what) {
  throw Error(ErrorCategory::input, path.string() + ": " + what);
}

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names)
    text += (text.empty() ? "" : ", ") + name;
  return text;
}

// A directory stands for its one index, or else its one safetensors file.
fs::path find_in_directory(const fs::path& directory) {
  std::vector<std::string> indexes;
  std::vector<std::string> files;
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(directory, error)) {
    const std::string name = entry.path().filename().string();
    if (name.ends_with(kShardIndexSuffix)) indexes.push_back(name);
    std::error_code not_a_file;
    if (name.ends_with(".safetensors") && entry.is_regular_file(not_a_file)) files.push_back(name);
  }
  if (error) fail(directory, "cannot list the directory: " + error.message());
  std::ranges::sort(indexes);
  std::ranges::sort(files);
  if (indexes.size() == 1) return directory / indexes.front();
  if (indexes.size() > 1) fail(directory, "holds several shard indexes (" + joined(indexes) + ")");
  if (files.size() == 1) return directory / files.front();
  if (files.empty())
    fail(directory, "holds no .safetensors file and no " + std::string(kShardIndexSuffix));
  fail(directory, "holds " + std::to_string(files.size()) +
                      " .safetensors files and no index; name one of them (" + joined(files) + ")");
}

// NAME-00002-of-00003.safetensors is read alone: says which shards of its model are left out.
void warn_if_one_shard_of_several(const fs::path& file) {
  const std::optional<ShardFileName> name = parse_shard_file_name(file.filename().string());
  if (!name) return;
  const std::size_t number = name->number;
  const std::size_t total = name->count;
  std::vector<std::string> others;
  for (std::size_t shard = 1; shard <= total; ++shard) {
    if (shard != number) others.push_back(shard_file_name(name->stem, shard, total));
  }
  if (others.empty()) return;
  log(LogLevel::warning, file.string() + " is shard " + std::to_string(number) + " of " +
                             std::to_string(total) + "; reading it alone, without " +
                             joined(others) +
                             " (name the directory or the index to read the whole model)");
}

// The mapped bytes of `shard` that hold tensor data: from its first tensor's to its last's.
std::span<const std::byte> tensor_data(const SafetensorsReader& shard) {
  const std::vector<SafetensorsEntry>& entries = shard.entries();
  if (entries.empty()) return {};
  const std::byte* first = shard.view(entries.front()).bytes.data();
  const TensorView last = shard.view(entries.back());
  return {first, last.bytes.data() + last.bytes.size()};
}

}  // namespace

Checkpoint::Checkpoint(const fs::path& path) : path_(path) {
  std::error_code error;
  if (fs::is_directory(path, error)) path_ = find_in_directory(path);
  if (path_.extension() == ".json") {
    open_index(path_);
    return;
  }
  shards_.emplace_back(path_);
  warn_if_one_shard_of_several(path_);
  collect_entries();
}

void Checkpoint::open_index(const fs::path& index_path) {
  const ShardIndex index = read_shard_index(index_path);
  indexed_ = true;
  std::map<std::string, std::string> first_tensor_of;  // shard -> a tensor the index puts there
  for (const auto& [tensor, shard] : index.weight_map)
    first_tensor_of.emplace(shard, tensor);
  for (const std::string& shard : index.shards) {
    const fs::path file = index_path.parent_path() / shard;
    std::error_code error;
    if (!fs::is_regular_file(file, error)) {
      fail(index_path, "weight_map: tensor " + in_quotes(first_tensor_of.at(shard)) +
                           " is in the shard " + in_quotes(shard) + ", but " + file.string() +
                           " is not a file");
    }
    shards_.emplace_back(file);
  }
  collect_entries();

  std::uint64_t tensor_bytes = 0;
  for (std::size_t shard = 0; shard < shards_.size(); ++shard) {
    for (const SafetensorsEntry& entry : shards_[shard].entries()) {
      const auto listed = index.weight_map.find(entry.info.name);
      if (listed == index.weight_map.end()) {
        fail(index_path, "tensor " + in_quotes(entry.info.name) + " of " +
                             shards_[shard].path().string() + " is not in the weight_map");
      }
      if (listed->second != index.shards[shard]) {
        fail(index_path, "weight_map: tensor " + in_quotes(entry.info.name) + " is in the shard " +
                             in_quotes(listed->second) + ", but " + shards_[shard].path().string() +
                             " holds it");
      }
      tensor_bytes += entry.end - entry.begin;
    }
  }
  for (const auto& [tensor, shard] : index.weight_map) {
    if (find(tensor) == nullptr) {
      fail(index_path, "weight_map: tensor " + in_quotes(tensor) + " is in the shard " +
                           in_quotes(shard) + ", but " +
                           (index_path.parent_path() / shard).string() + " does not hold it");
    }
  }
  if (index.total_size && *index.total_size != tensor_bytes) {
    log(LogLevel::warning, index_path.string() + ": metadata.total_size is " +
                               std::to_string(*index.total_size) + ", but the tensors hold " +
                               std::to_string(tensor_bytes) + " bytes");
  }
}

void Checkpoint::collect_entries() {
  std::map<std::string_view, const SafetensorsReader*> holder;
  for (const SafetensorsReader& shard : shards_) {
    watched_.push_back(std::make_unique<WatchedMapping>(tensor_data(shard), shard.path()));
    for (const SafetensorsEntry& entry : shard.entries()) {
      const auto [seen, added] = holder.emplace(entry.info.name, &shard);
      if (!added) {
        fail(path_, "tensor " + in_quotes(entry.info.name) + " is in both " +
                        seen->second->path().string() + " and " + shard.path().string());
      }
      entries_.push_back(&entry);
    }
  }
}

std::vector<fs::path> Checkpoint::files() const {
  std::vector<fs::path> all;
  for (const SafetensorsReader& shard : shards_)
    all.push_back(shard.path());
  if (indexed_) all.push_back(path_);
  return all;
}

std::uint64_t Checkpoint::file_size() const noexcept {
  std::uint64_t total = 0;
  for (const SafetensorsReader& shard : shards_)
    total += shard.file_size();
  return total;
}

const SafetensorsEntry* Checkpoint::find(std::string_view name) const noexcept {
  for (const SafetensorsReader& shard : shards_) {
    if (const SafetensorsEntry* entry = shard.find(name)) return entry;
  }
  return nullptr;
}

// `entry` is one of entries(): it lies in the entry array of its shard.
const SafetensorsReader& Checkpoint::shard_of(const SafetensorsEntry& entry) const noexcept {
  for (const SafetensorsReader& shard : shards_) {
    const std::vector<SafetensorsEntry>& held = shard.entries();
    if (std::greater_equal<>()(&entry, held.data()) &&
        std::less<>()(&entry, held.data() + held.size())) {
      return shard;
    }
  }
  return shards_.front();
}

TensorView Checkpoint::view(const SafetensorsEntry& entry) const noexcept {
  return shard_of(entry).view(entry);
}

void Checkpoint::release(const SafetensorsEntry& entry) const noexcept {
  shard_of(entry).release(entry);
}

}  // namespace lrq::host
