// The `match` of an override rule: an RE2 pattern searched, unanchored, in a layer name. RE2 runs
// in time linear in the name and never recurses on it, so no name or pattern can exhaust the stack.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace re2 {
class RE2;
}

namespace lrq::host {

class LayerPattern {
 public:
  LayerPattern() = default;
  // Throws std::invalid_argument with the reason, RE2's ("missing ): (", "pattern too large -
  // compile failed") or "longer than 65536 bytes", for text that is no pattern, is longer than
  // kMaxLength or compiles beyond kMemory.
  explicit LayerPattern(const std::string& text);

  // Whether the pattern matches somewhere in `name`; a default-constructed one matches nothing.
  bool found_in(std::string_view name) const;

  // RE2's budget for one compiled pattern and its matching caches: the RE2 default, stated.
  static constexpr std::int64_t kMemory = 8 << 20;
  // Far beyond any list of layer names, and short enough that RE2's passes over the parsed pattern
  // stay within their own budget (beyond it they log to standard error).
  static constexpr std::size_t kMaxLength = 64 << 10;

 private:
  std::shared_ptr<const re2::RE2> compiled_;  // immutable, so copies share it across threads
};

}  // namespace lrq::host
