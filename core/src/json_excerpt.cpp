#include "json_excerpt.hpp"

#include <utility>

namespace lrq::detail {
namespace {

constexpr std::size_t kMaxChars = 40;

// `text` cut to at most `limit` bytes, not inside a UTF-8 sequence.
std::string_view utf8_prefix(std::string_view text, std::size_t limit) {
  if (text.size() <= limit) return text;
  std::size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
    --cut;
  return text.substr(0, cut);
}

std::string shortened(std::string text) {
  if (text.size() <= kMaxChars) return text;
  return std::string(utf8_prefix(text, kMaxChars)) + "...";
}

}  // namespace

JsonScalar json_scalar(const nlohmann::json& value) {
  JsonScalar scalar{shortened(value.dump()), value.type_name(), std::nullopt};
  if (value.is_number_unsigned()) scalar.unsigned_value = value.get<std::uint64_t>();
  return scalar;
}

JsonScalar json_string_scalar(std::string_view text) {
  // Cut before dumping: the whole string may be huge.
  return {shortened(nlohmann::json(std::string(utf8_prefix(text, kMaxChars + 1))).dump()), "string",
          std::nullopt};
}

bool JsonExcerpt::add(JsonScalar scalar) {
  if (depth_ == 0) {
    type_name_ = scalar.type_name;
    scalar_text_ = std::move(scalar.text);
    return true;
  }
  if (depth_ == 1) add_item(std::move(scalar));
  return false;
}

bool JsonExcerpt::open(bool is_object) {
  if (depth_ == 0) {
    type_name_ = is_object ? "object" : "array";
  } else if (depth_ == 1) {
    add_item({is_object ? "{...}" : "[...]", is_object ? "object" : "array", std::nullopt});
  }
  ++depth_;
  return false;
}

bool JsonExcerpt::close() {
  --depth_;
  return depth_ == 0;
}

void JsonExcerpt::add_item(JsonScalar item) {
  if (std::string_view(type_name_) != "array") return;  // an object shows no members
  ++item_count_;
  if (items_.size() < kMaxItems) items_.push_back(std::move(item));
}

std::string JsonExcerpt::text() const {
  const std::string_view type = type_name_;
  if (type == "object") return "{...}";
  if (type != "array") return scalar_text_;
  std::string text = "[";
  for (std::size_t i = 0; i < items_.size(); ++i) {
    if (i > 0) text += ",";
    text += items_[i].text;
  }
  if (item_count_ > items_.size()) text += ",...";
  return text + "]";
}

}  // namespace lrq::detail
