#include "safetensors_header.hpp"

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>
#include <numeric>
#include <optional>
#include <string>
#include <utility>

#include "json_excerpt.hpp"
#include "lrq/error.hpp"
#include "lrq/json_limits.hpp"
#include "lrq/quoted.hpp"
#include "utf8.hpp"

namespace lrq::detail {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kMetadataKey = "__metadata__";

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& what) {
  throw Error(ErrorCategory::input, path.string() + ": " + what);
}

// Where a value sits in the header, which says what it must be.
enum class Slot { root, metadata, metadata_value, entry, dtype, shape, dimension, offsets };

// The containers of a valid header: the root object, `__metadata__`, a tensor entry, a shape.
enum class Container { root, metadata, entry, shape };

// The SAX handler. What a valid header holds goes straight into the entries and the metadata; a
// value of the wrong kind is followed to its end (so a nesting or syntax error inside it comes
// first) and then reported with a short excerpt. nlohmann's DOM is never built: it costs 7 to 23
// times the header's size.
//
// Nesting is limited to kMaxJsonDepth.
// Duplicate keys are errors (safetensors files have none); those of the root object and of
// `__metadata__` are found at the end by sorting, without a set of every key.
class HeaderHandler final : public nlohmann::json_sax<Json> {
 public:
  HeaderHandler(const std::filesystem::path& path, std::uint64_t data_size)
      : path_(path), data_size_(data_size) {}

  bool null() override { return scalar(Json(nullptr)); }
  bool boolean(bool value) override { return scalar(Json(value)); }
  bool number_integer(number_integer_t value) override {
    if (!excerpt_ && slot() == Slot::dimension) {
      fail_tensor("field 'shape': negative dimension " + std::to_string(value));
    }
    return scalar(Json(value));
  }
  bool number_unsigned(number_unsigned_t value) override {
    if (!excerpt_ && slot() == Slot::dimension) {
      if (value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        fail_tensor("field 'shape': dimension " + std::to_string(value) + " is too large");
      }
      entry_.info.shape.push_back(static_cast<std::int64_t>(value));
      return true;
    }
    return scalar(Json(value));
  }
  bool number_float(number_float_t value, const string_t& /*text*/) override {
    return scalar(Json(value));
  }
  bool binary(binary_t& /*value*/) override { return true; }  // not in JSON text
  bool string(string_t& value) override;
  bool key(string_t& key) override;
  bool start_object(std::size_t /*elements*/) override { return open(true); }
  bool start_array(std::size_t /*elements*/) override { return open(false); }
  bool end_object() override { return close(); }
  bool end_array() override { return close(); }

  bool parse_error(std::size_t /*position*/, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& error) override {
    // nlohmann quotes the last token read, which a hostile header can make huge.
    constexpr std::size_t kMaxChars = 300;
    std::string reason = error.what();
    if (reason.size() > kMaxChars) reason = reason.substr(0, kMaxChars) + "...";
    fail(path_, "JSON header is not valid JSON: " + reason);
  }

  SafetensorsHeader finish() {
    check_unique_names();
    check_unique_metadata_keys();
    return {std::move(entries_), std::move(metadata_)};
  }

 private:
  [[noreturn]] void fail_tensor(const std::string& what) const {
    fail(path_, "tensor " + in_quotes(name_) + ": " + what);
  }

  Slot slot() const {
    if (open_.empty()) return Slot::root;
    switch (open_.back()) {
      case Container::root:
        return name_ == kMetadataKey ? Slot::metadata : Slot::entry;
      case Container::metadata:
        return Slot::metadata_value;
      case Container::entry:
        return field_ == "dtype" ? Slot::dtype : field_ == "shape" ? Slot::shape : Slot::offsets;
      case Container::shape:
        return Slot::dimension;
    }
    return Slot::root;
  }

  bool scalar(const Json& value) {
    JsonScalar shown = json_scalar(value);
    if (excerpt_) {
      excerpt_->add(std::move(shown));
      return true;
    }
    JsonExcerpt whole;
    whole.add(std::move(shown));
    complete(slot(), whole);
    return true;
  }

  bool open(bool is_object) {
    if (++depth_ > kMaxJsonDepth) {
      fail(path_, "JSON header nests deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    }
    if (excerpt_) {
      excerpt_->open(is_object);
      return true;
    }
    const Slot where = slot();
    if (is_object && (where == Slot::root || where == Slot::metadata || where == Slot::entry)) {
      open_.push_back(where == Slot::root       ? Container::root
                      : where == Slot::metadata ? Container::metadata
                                                : Container::entry);
      if (where == Slot::entry) start_entry();
    } else if (!is_object && where == Slot::shape) {
      open_.push_back(Container::shape);
    } else {
      excerpt_.emplace();
      excerpt_slot_ = where;
      excerpt_->open(is_object);
    }
    return true;
  }

  bool close() {
    --depth_;
    if (excerpt_) {
      if (excerpt_->close()) {
        const JsonExcerpt whole = std::move(*excerpt_);
        excerpt_.reset();
        complete(excerpt_slot_, whole);
      }
      return true;
    }
    const Container closed = open_.back();
    open_.pop_back();
    if (closed == Container::entry) finish_entry();
    return true;
  }

  // A whole value that was not taken on the way: an error, except a tensor's data offsets.
  void complete(Slot where, const JsonExcerpt& value) {
    const std::string type(value.type_name());
    switch (where) {
      case Slot::root:
        fail(path_, "JSON header must be an object, not " + type);
      case Slot::metadata:
        fail(path_,
             "field " + in_quotes(kMetadataKey) + " must be an object of strings, not " + type);
      case Slot::metadata_value:
        fail(path_, "field " + in_quotes(kMetadataKey) + ": the value of " +
                        in_quotes(metadata_key_) + " must be a string, not " + type);
      case Slot::entry:
        fail_tensor("entry must be an object, not " + type);
      case Slot::dtype:
        fail_tensor("field 'dtype' must be a string, not " + type);
      case Slot::shape:
        fail_tensor("field 'shape' must be an array, not " + type);
      case Slot::dimension:
        fail_tensor("field 'shape': dimension " + value.text() + " is not a non-negative integer");
      case Slot::offsets:
        take_offsets(value);
    }
  }

  void start_entry() {
    entry_ = SafetensorsEntry{};
    entry_.info.name = name_;
    seen_fields_ = 0;
  }

  void take_offsets(const JsonExcerpt& value) {
    if (value.type_name() != "array" || value.item_count() != 2) {
      fail_tensor("field 'data_offsets' must be an array of 2 integers, not " + value.text());
    }
    for (const JsonScalar& offset : value.items()) {
      if (!offset.unsigned_value) {
        fail_tensor("field 'data_offsets': " + offset.text + " is not a non-negative integer");
      }
    }
    entry_.begin = *value.items()[0].unsigned_value;
    entry_.end = *value.items()[1].unsigned_value;
    if (entry_.begin > entry_.end) {
      fail_tensor("field 'data_offsets': begin " + std::to_string(entry_.begin) + " is after end " +
                  std::to_string(entry_.end));
    }
    if (entry_.end > data_size_) {
      fail_tensor("field 'data_offsets': end " + std::to_string(entry_.end) +
                  " is past the end of the data section (" + std::to_string(data_size_) +
                  " bytes; file truncated?)");
    }
  }

  void finish_entry() {
    for (const auto& [bit, field] : kFields) {
      if ((seen_fields_ & bit) == 0) fail_tensor("missing field " + in_quotes(field));
    }
    check_size();
    entries_.push_back(std::move(entry_));
  }

  void check_size() const {
    std::uint64_t elements = 1;
    for (const auto dim : entry_.info.shape) {
      if (__builtin_mul_overflow(elements, static_cast<std::uint64_t>(dim), &elements) ||
          elements > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        fail_tensor("field 'shape': the element count overflows");
      }
    }
    std::uint64_t bytes = 0;
    if (__builtin_mul_overflow(elements, itemsize(entry_.info.dtype), &bytes)) {
      fail_tensor("field 'shape': the byte size overflows");
    }
    if (bytes != entry_.end - entry_.begin) {
      fail_tensor("field 'data_offsets' spans " + std::to_string(entry_.end - entry_.begin) +
                  " bytes, but the dtype and shape need " + std::to_string(bytes));
    }
  }

  // Sorting indices costs 8 bytes a name, where a set of names would cost about 80 and a copy.
  template <typename NameOf>
  std::optional<std::size_t> find_duplicate(std::size_t count, NameOf name_of) const {
    std::vector<std::size_t> order(count);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return name_of(a) < name_of(b); });
    const auto twin =
        std::adjacent_find(order.begin(), order.end(),
                           [&](std::size_t a, std::size_t b) { return name_of(a) == name_of(b); });
    if (twin == order.end()) return std::nullopt;
    return *twin;
  }

  void check_unique_names() const {
    const auto name_of = [&](std::size_t i) -> const std::string& { return entries_[i].info.name; };
    if (const auto twin = find_duplicate(entries_.size(), name_of)) {
      fail(path_, "duplicate key " + in_quotes(name_of(*twin)) + " in the JSON header");
    }
  }

  void check_unique_metadata_keys() const {
    const auto key_of = [&](std::size_t i) -> const std::string& { return metadata_[i].first; };
    if (const auto twin = find_duplicate(metadata_.size(), key_of)) {
      fail(path_, "duplicate key " + in_quotes(key_of(*twin)) + " in the JSON header (inside " +
                      in_quotes(kMetadataKey) + ")");
    }
  }

  static constexpr std::pair<unsigned, std::string_view> kFields[] = {
      {1U, "dtype"}, {2U, "shape"}, {4U, "data_offsets"}};

  const std::filesystem::path& path_;
  std::uint64_t data_size_;
  std::size_t depth_ = 0;
  std::vector<Container> open_;
  std::optional<JsonExcerpt> excerpt_;  // following a value of the wrong kind to its end
  Slot excerpt_slot_ = Slot::root;
  std::string name_;  // the last key of the root object
  std::string field_;
  unsigned seen_fields_ = 0;
  std::string metadata_key_;
  bool seen_metadata_ = false;
  SafetensorsEntry entry_;
  std::vector<SafetensorsEntry> entries_;
  Metadata metadata_;
};

bool HeaderHandler::string(string_t& value) {
  if (excerpt_) {
    excerpt_->add(json_string_scalar(value));
    return true;
  }
  const Slot where = slot();
  if (where == Slot::metadata_value) {
    metadata_.emplace_back(metadata_key_, value);
  } else if (where == Slot::dtype) {
    const auto dtype = dtype_from_safetensors_name(value);
    if (!dtype) fail_tensor("unknown dtype " + in_quotes(value));
    entry_.info.dtype = *dtype;
  } else {
    JsonExcerpt whole;
    whole.add(json_string_scalar(value));
    complete(where, whole);
  }
  return true;
}

bool HeaderHandler::key(string_t& key) {
  if (excerpt_) return true;  // inside a value that is an error anyway
  switch (open_.back()) {
    case Container::root:
      if (key == kMetadataKey) {
        if (seen_metadata_) fail(path_, "duplicate key " + in_quotes(key) + " in the JSON header");
        seen_metadata_ = true;
      } else if (key.empty()) {
        fail(path_, "a tensor has an empty name");
      }
      name_ = key;
      break;
    case Container::metadata:
      metadata_key_ = key;
      break;
    case Container::entry: {
      const auto* field = std::find_if(std::begin(kFields), std::end(kFields),
                                       [&](const auto& known) { return known.second == key; });
      if (field == std::end(kFields)) fail_tensor("unexpected field " + in_quotes(key));
      if ((seen_fields_ & field->first) != 0) {
        fail(path_, "duplicate key " + in_quotes(key) + " in the JSON header (inside " +
                        in_quotes(name_) + ")");
      }
      seen_fields_ |= field->first;
      field_ = key;
      break;
    }
    case Container::shape:
      break;  // arrays have no keys
  }
  return true;
}

}  // namespace

SafetensorsHeader parse_safetensors_header(const std::filesystem::path& path, std::string_view text,
                                           std::uint64_t data_size) {
  // nlohmann skips a leading byte order mark; Python's safetensors (serde_json) rejects it.
  if (text.starts_with("\xEF\xBB\xBF")) {
    fail(path, "JSON header starts with a UTF-8 byte order mark, which safetensors does not allow");
  }
  if (auto bad = find_invalid_utf8(text)) {
    fail(path, "JSON header is not valid UTF-8 (at header byte " + std::to_string(*bad) + ")");
  }
  HeaderHandler handler(path, data_size);
  if (!Json::sax_parse(text, &handler)) fail(path, "JSON header is not valid JSON");
  return handler.finish();
}

}  // namespace lrq::detail
