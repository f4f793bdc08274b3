#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "lrq/error.hpp"
#include "lrq/safetensors.hpp"
#include "quoted.hpp"

namespace lrq {

namespace {

using detail::in_quotes;
using Json = nlohmann::json;

constexpr std::uint64_t kLengthPrefixBytes = 8;
constexpr std::string_view kMetadataKey = "__metadata__";

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& what) {
  throw Error(ErrorCategory::input, path.string() + ": " + what);
}

// Reports errno, so call it right after the failing call (it takes no arguments that allocate).
// An input that cannot be opened or mapped is an unusable input, like a malformed one.
[[noreturn]] void fail_io(const std::filesystem::path& path, const char* what) {
  const int error = errno;
  throw Error(ErrorCategory::input, path.string() + ": " + what + ": " + std::strerror(error));
}

// A JSON value for an error message, shortened: a hostile header can hold huge values.
std::string excerpt(const Json& value) {
  constexpr std::size_t kMaxItems = 8;
  if (value.is_object()) return "{...}";
  if (!value.is_array()) {
    std::string text = value.dump();
    constexpr std::size_t kMaxChars = 40;
    if (text.size() > kMaxChars) {
      std::size_t cut = kMaxChars;
      while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
        --cut;  // not inside a UTF-8 sequence
      }
      text = text.substr(0, cut) + "...";
    }
    return text;
  }
  std::string text = "[";
  std::size_t shown = 0;
  for (const auto& item : value) {
    if (shown > 0) text += ",";
    if (shown == kMaxItems) {
      text += "...";
      break;
    }
    text += item.is_structured() ? (item.is_array() ? "[...]" : "{...}") : excerpt(item);
    ++shown;
  }
  return text + "]";
}

std::uint64_t read_u64_le(const unsigned char* bytes) {
  std::uint64_t value = 0;
  for (int i = 7; i >= 0; --i) {
    value = (value << 8) | bytes[i];
  }
  return value;
}

// Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
// Returns the offset of the first byte of the first invalid sequence.
std::optional<std::size_t> find_invalid_utf8(std::string_view text) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t size = text.size();
  std::size_t i = 0;
  while (i < size) {
    const unsigned char lead = bytes[i];
    if (lead < 0x80) {
      ++i;
      continue;
    }
    std::size_t length = 0;
    // The allowed range of the second byte encodes the overlong/surrogate/maximum rules.
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) low = 0xA0;
      if (lead == 0xED) high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) low = 0x90;
      if (lead == 0xF4) high = 0x8F;
    } else {
      return i;
    }
    if (size - i < length) return i;
    if (bytes[i + 1] < low || bytes[i + 1] > high) return i;
    for (std::size_t k = 2; k < length; ++k) {
      if (bytes[i + k] < 0x80 || bytes[i + k] > 0xBF) return i;
    }
    i += length;
  }
  return std::nullopt;
}

struct ParsedHeader {
  Json json;
  std::vector<std::string> metadata_keys;  // `__metadata__`'s keys in header order
};

// A first, DOM-less pass over the header, for what nlohmann's DOM parser cannot check:
// * duplicate keys, which it would silently collapse (safetensors files have none);
// * the order of `__metadata__`'s keys (nlohmann::ordered_json would keep it, but inserts in
//   linear time, and the parser-callback variant of parse() rescans each finished object's
//   parent: both quadratic, minutes for a header with 10^5 tensors);
// * nesting: a valid header nests 3 deep, Python's safetensors stops at 128, and some nlohmann
//   operations (copies, dump) recurse once per level, so a hostile header could overflow the stack.
class HeaderWatch final : public nlohmann::json_sax<Json> {
 public:
  static constexpr std::size_t kMaxDepth = 128;

  explicit HeaderWatch(const std::filesystem::path& path) : path_(path) {}

  bool null() override { return true; }
  bool boolean(bool /*value*/) override { return true; }
  bool number_integer(number_integer_t /*value*/) override { return true; }
  bool number_unsigned(number_unsigned_t /*value*/) override { return true; }
  bool number_float(number_float_t /*value*/, const string_t& /*text*/) override { return true; }
  bool string(string_t& /*value*/) override { return true; }
  bool binary(binary_t& /*value*/) override { return true; }
  bool start_object(std::size_t /*elements*/) override { return open(true); }
  bool end_object() override { return close(); }
  bool start_array(std::size_t /*elements*/) override { return open(false); }
  bool end_array() override { return close(); }

  bool key(string_t& key) override {
    Container& object = open_.back();
    if (!object.keys.insert(key).second) {
      fail(path_, "duplicate key " + in_quotes(key) + " in the JSON header" +
                      (open_.size() > 1 ? " (inside " + in_quotes(object.owner) + ")" : ""));
    }
    if (open_.size() == 2 && open_[0].is_object && object.owner == kMetadataKey) {
      metadata_keys_.push_back(key);
    }
    last_key_ = key;
    return true;
  }

  bool parse_error(std::size_t /*position*/, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& error) override {
    // nlohmann quotes the last token read, which a hostile header can make huge.
    constexpr std::size_t kMaxChars = 300;
    std::string reason = error.what();
    if (reason.size() > kMaxChars) reason = reason.substr(0, kMaxChars) + "...";
    fail(path_, "JSON header is not valid JSON: " + reason);
  }

  std::vector<std::string> take_metadata_keys() { return std::move(metadata_keys_); }

 private:
  struct Container {
    bool is_object = false;
    std::string owner;  // the key whose value this container is
    std::set<std::string, std::less<>> keys;
  };

  bool open(bool is_object) {
    if (open_.size() >= kMaxDepth) {
      fail(path_, "JSON header nests deeper than " + std::to_string(kMaxDepth) + " levels");
    }
    open_.push_back({is_object, last_key_, {}});
    return true;
  }

  bool close() {
    open_.pop_back();
    return true;
  }

  const std::filesystem::path& path_;
  std::vector<Container> open_;
  std::string last_key_;
  std::vector<std::string> metadata_keys_;
};

ParsedHeader parse_header(const std::filesystem::path& path, std::string_view text) {
  // nlohmann skips a leading byte order mark; Python's safetensors (serde_json) rejects it.
  if (text.starts_with("\xEF\xBB\xBF")) {
    fail(path, "JSON header starts with a UTF-8 byte order mark, which safetensors does not allow");
  }
  if (auto bad = find_invalid_utf8(text)) {
    fail(path, "JSON header is not valid UTF-8 (at header byte " + std::to_string(*bad) + ")");
  }
  HeaderWatch watch(path);
  if (!Json::sax_parse(text, &watch)) fail(path, "JSON header is not valid JSON");
  try {
    return {Json::parse(text), watch.take_metadata_keys()};
  } catch (const Json::exception& e) {
    fail(path, std::string("JSON header is not valid JSON: ") + e.what());
  }
}

Metadata parse_metadata(const std::filesystem::path& path, const Json& value,
                        const std::vector<std::string>& keys_in_order) {
  if (!value.is_object()) {
    fail(path, "field " + in_quotes(kMetadataKey) + " must be an object of strings, not " +
                   value.type_name());
  }
  Metadata metadata;
  metadata.reserve(value.size());
  for (const auto& key : keys_in_order) {
    const Json& item = value.at(key);
    if (!item.is_string()) {
      fail(path, "field " + in_quotes(kMetadataKey) + ": the value of " + in_quotes(key) +
                     " must be a string, not " + item.type_name());
    }
    metadata.emplace_back(key, item.get<std::string>());
  }
  return metadata;
}

class EntryParser {
 public:
  EntryParser(const std::filesystem::path& path, std::uint64_t data_size)
      : path_(path), data_size_(data_size) {}

  SafetensorsEntry parse(const std::string& name, const Json& value) const {
    if (name.empty()) fail(path_, "a tensor has an empty name");
    if (!value.is_object()) {
      fail_tensor(name, "entry must be an object, not " + std::string(value.type_name()));
    }
    for (const auto& [key, item] : value.items()) {
      if (key != "dtype" && key != "shape" && key != "data_offsets") {
        fail_tensor(name, "unexpected field " + in_quotes(key));
      }
    }
    SafetensorsEntry entry;
    entry.info.name = name;
    entry.info.dtype = parse_dtype(name, field(name, value, "dtype"));
    entry.info.shape = parse_shape(name, field(name, value, "shape"));
    std::tie(entry.begin, entry.end) = parse_offsets(name, field(name, value, "data_offsets"));
    check_size(entry);
    return entry;
  }

 private:
  [[noreturn]] void fail_tensor(const std::string& name, const std::string& what) const {
    fail(path_, "tensor " + in_quotes(name) + ": " + what);
  }

  const Json& field(const std::string& name, const Json& value, const char* key) const {
    auto it = value.find(key);
    if (it == value.end()) fail_tensor(name, "missing field " + in_quotes(key));
    return *it;
  }

  DType parse_dtype(const std::string& name, const Json& value) const {
    if (!value.is_string()) {
      fail_tensor(name, "field 'dtype' must be a string, not " + std::string(value.type_name()));
    }
    const auto& text = value.get_ref<const std::string&>();
    auto dtype = dtype_from_safetensors_name(text);
    if (!dtype) fail_tensor(name, "unknown dtype " + in_quotes(text));
    return *dtype;
  }

  Shape parse_shape(const std::string& name, const Json& value) const {
    if (!value.is_array()) {
      fail_tensor(name, "field 'shape' must be an array, not " + std::string(value.type_name()));
    }
    Shape shape;
    shape.reserve(value.size());
    for (const auto& dim : value) {
      if (dim.is_number_unsigned()) {
        const auto size = dim.get<std::uint64_t>();
        if (size > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
          fail_tensor(name, "field 'shape': dimension " + excerpt(dim) + " is too large");
        }
        shape.push_back(static_cast<std::int64_t>(size));
      } else if (dim.is_number_integer()) {
        fail_tensor(name, "field 'shape': negative dimension " + excerpt(dim));
      } else {
        fail_tensor(name,
                    "field 'shape': dimension " + excerpt(dim) + " is not a non-negative integer");
      }
    }
    return shape;
  }

  std::pair<std::uint64_t, std::uint64_t> parse_offsets(const std::string& name,
                                                        const Json& value) const {
    if (!value.is_array() || value.size() != 2) {
      fail_tensor(name,
                  "field 'data_offsets' must be an array of 2 integers, not " + excerpt(value));
    }
    for (const auto& offset : value) {
      if (!offset.is_number_unsigned()) {
        fail_tensor(name,
                    "field 'data_offsets': " + excerpt(offset) + " is not a non-negative integer");
      }
    }
    const auto begin = value[0].get<std::uint64_t>();
    const auto end = value[1].get<std::uint64_t>();
    if (begin > end) {
      fail_tensor(name, "field 'data_offsets': begin " + std::to_string(begin) + " is after end " +
                            std::to_string(end));
    }
    if (end > data_size_) {
      fail_tensor(name, "field 'data_offsets': end " + std::to_string(end) +
                            " is past the end of the data section (" + std::to_string(data_size_) +
                            " bytes; file truncated?)");
    }
    return {begin, end};
  }

  void check_size(const SafetensorsEntry& entry) const {
    const auto& name = entry.info.name;
    std::uint64_t elements = 1;
    for (const auto dim : entry.info.shape) {
      if (__builtin_mul_overflow(elements, static_cast<std::uint64_t>(dim), &elements) ||
          elements > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        fail_tensor(name, "field 'shape': the element count overflows");
      }
    }
    std::uint64_t bytes = 0;
    if (__builtin_mul_overflow(elements, itemsize(entry.info.dtype), &bytes)) {
      fail_tensor(name, "field 'shape': the byte size overflows");
    }
    if (bytes != entry.end - entry.begin) {
      fail_tensor(name, "field 'data_offsets' spans " + std::to_string(entry.end - entry.begin) +
                            " bytes, but the dtype and shape need " + std::to_string(bytes));
    }
  }

  const std::filesystem::path& path_;
  std::uint64_t data_size_;
};

bool data_order(const SafetensorsEntry& a, const SafetensorsEntry& b) {
  if (a.begin != b.begin) return a.begin < b.begin;
  return a.info.name < b.info.name;
}

// Expects `entries` in data order. Empty tensors occupy no bytes, so they never overlap.
// Gaps and trailing bytes pass, unlike in Python's safetensors: lrq never writes them, others may.
void check_no_overlap(const std::filesystem::path& path,
                      const std::vector<SafetensorsEntry>& entries) {
  const SafetensorsEntry* furthest = nullptr;
  for (const auto& entry : entries) {
    if (entry.begin == entry.end) continue;
    if (furthest != nullptr && entry.begin < furthest->end) {
      fail(path, "tensor " + in_quotes(entry.info.name) + ": field 'data_offsets' [" +
                     std::to_string(entry.begin) + ", " + std::to_string(entry.end) +
                     ") overlaps tensor " + in_quotes(furthest->info.name) + " [" +
                     std::to_string(furthest->begin) + ", " + std::to_string(furthest->end) + ")");
    }
    if (furthest == nullptr || entry.end > furthest->end) furthest = &entry;
  }
}

}  // namespace

struct SafetensorsReader::Mapping {
  int fd = -1;
  void* address = MAP_FAILED;
  std::size_t size = 0;

  Mapping() = default;
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  ~Mapping() {
    if (address != MAP_FAILED) munmap(address, size);
    if (fd >= 0) close(fd);
  }

  const unsigned char* bytes() const { return static_cast<const unsigned char*>(address); }
};

SafetensorsReader::SafetensorsReader(const std::filesystem::path& path)
    : path_(path), mapping_(std::make_unique<Mapping>()) {
  // O_NONBLOCK: a FIFO is refused below instead of waiting for a writer; it changes nothing for a
  // regular file.
  mapping_->fd = open(path_.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (mapping_->fd < 0) fail_io(path_, "cannot open");
  struct stat status {};
  if (fstat(mapping_->fd, &status) != 0) fail_io(path_, "cannot stat");
  if (!S_ISREG(status.st_mode)) fail(path_, "not a regular file");
  file_size_ = static_cast<std::uint64_t>(status.st_size);
  if (file_size_ < kLengthPrefixBytes) {
    fail(path_, "file is " + std::to_string(file_size_) +
                    " bytes, shorter than the 8-byte header length (truncated?)");
  }

  mapping_->size = static_cast<std::size_t>(file_size_);
  mapping_->address = mmap(nullptr, mapping_->size, PROT_READ, MAP_PRIVATE, mapping_->fd, 0);
  if (mapping_->address == MAP_FAILED) fail_io(path_, "cannot memory-map");
  madvise(mapping_->address, mapping_->size, MADV_SEQUENTIAL);  // only a hint

  header_size_ = read_u64_le(mapping_->bytes());
  if (header_size_ == 0) fail(path_, "header length is 0");
  if (header_size_ > kMaxSafetensorsHeaderBytes) {
    fail(path_, "header length " + std::to_string(header_size_) + " exceeds the limit of " +
                    std::to_string(kMaxSafetensorsHeaderBytes) + " bytes");
  }
  if (header_size_ > file_size_ - kLengthPrefixBytes) {
    fail(path_, "header length " + std::to_string(header_size_) +
                    " reaches past the end of the file (" + std::to_string(file_size_) +
                    " bytes; truncated?)");
  }
  const std::string_view header_text(
      reinterpret_cast<const char*>(mapping_->bytes() + kLengthPrefixBytes),
      static_cast<std::size_t>(header_size_));
  const auto [header, metadata_keys] = parse_header(path_, header_text);
  if (!header.is_object()) {
    fail(path_, std::string("JSON header must be an object, not ") + header.type_name());
  }

  const EntryParser parser(path_, file_size_ - kLengthPrefixBytes - header_size_);
  for (const auto& [key, value] : header.items()) {
    if (key == kMetadataKey) {
      metadata_ = parse_metadata(path_, value, metadata_keys);
    } else {
      entries_.push_back(parser.parse(key, value));
    }
  }
  std::sort(entries_.begin(), entries_.end(), data_order);
  check_no_overlap(path_, entries_);
  for (std::size_t i = 0; i < entries_.size(); ++i)
    by_name_.emplace(entries_[i].info.name, i);
}

SafetensorsReader::~SafetensorsReader() = default;
SafetensorsReader::SafetensorsReader(SafetensorsReader&&) noexcept = default;
SafetensorsReader& SafetensorsReader::operator=(SafetensorsReader&&) noexcept = default;

const SafetensorsEntry* SafetensorsReader::find(std::string_view name) const noexcept {
  const auto found = by_name_.find(name);
  return found == by_name_.end() ? nullptr : &entries_[found->second];
}

void SafetensorsReader::release(const SafetensorsEntry& entry) const noexcept {
  static const auto page = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
  const auto start = reinterpret_cast<std::uintptr_t>(view(entry).bytes.data());
  const std::uintptr_t end = start + (entry.end - entry.begin);
  // Only whole pages inside the tensor: its neighbours may still be in use.
  const std::uintptr_t first = (start + page - 1) / page * page;
  const std::uintptr_t last = end / page * page;
  if (last > first) {
    madvise(reinterpret_cast<void*>(first), last - first, MADV_DONTNEED);
  }
}

TensorView SafetensorsReader::view(const SafetensorsEntry& entry) const noexcept {
  const auto* data = reinterpret_cast<const std::byte*>(mapping_->bytes()) + kLengthPrefixBytes +
                     header_size_ + entry.begin;
  return TensorView{
      entry.info.dtype, entry.info.shape,
      std::span<const std::byte>(data, static_cast<std::size_t>(entry.end - entry.begin))};
}

}  // namespace lrq
