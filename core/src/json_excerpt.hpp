// Internal to lrq_core: a short rendering of a JSON value for error messages, built from SAX
// events so that the value itself is never held (a hostile header can hold huge values).
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lrq::detail {

// One scalar as an excerpt shows it: JSON text of at most about 40 characters.
struct JsonScalar {
  std::string text;
  const char* type_name = "null";  // nlohmann's names: "null", "boolean", "number", "string"
  std::optional<std::uint64_t> unsigned_value;
};

JsonScalar json_scalar(const nlohmann::json& value);  // not for strings: see below
JsonScalar json_string_scalar(std::string_view text);

// Fed the SAX events of one value: objects read "{...}", arrays show their first items.
class JsonExcerpt {
 public:
  static constexpr std::size_t kMaxItems = 8;

  // Each returns true once the value is complete.
  bool add(JsonScalar scalar);
  bool open(bool is_object);
  bool close();

  std::string_view type_name() const noexcept { return type_name_; }
  std::string text() const;
  // For an array: how many items it has, and the first kMaxItems of them.
  std::size_t item_count() const noexcept { return item_count_; }
  const std::vector<JsonScalar>& items() const noexcept { return items_; }

 private:
  void add_item(JsonScalar item);

  std::size_t depth_ = 0;
  const char* type_name_ = "null";
  std::string scalar_text_;
  std::size_t item_count_ = 0;
  std::vector<JsonScalar> items_;
};

}  // namespace lrq::detail
