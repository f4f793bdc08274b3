#include "cli/progress_line.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "cli/text_table.hpp"
#include "lrq/quoted.hpp"

namespace lrq::host {
namespace {

constexpr std::size_t kMinBar = 10;
constexpr std::size_t kMaxBar = 30;
constexpr std::size_t kMinName = 12;  // a shorter layer name says too little: leave it out
constexpr double kMinSecondsForRate = 1.0;
constexpr std::size_t kUnlimited = std::numeric_limits<std::size_t>::max();

double fraction_done(const ProgressSnapshot& snapshot) {
  if (snapshot.bytes_total == 0) return 0.0;
  return std::min(
      1.0, static_cast<double>(snapshot.bytes_done) / static_cast<double>(snapshot.bytes_total));
}

std::string pad_left(std::string text, std::size_t width) {
  if (text.size() < width) text.insert(0, width - text.size(), ' ');
  return text;
}

// "42%": the percent rounded down, so that 100% means done.
std::string percent_text(const ProgressSnapshot& snapshot) {
  return std::to_string(static_cast<int>(std::floor(fraction_done(snapshot) * 100.0))) + "%";
}

std::string rate_text(const ProgressSnapshot& snapshot) {
  if (snapshot.elapsed < kMinSecondsForRate || snapshot.bytes_done == 0) return "-- MB/s";
  const double rate = static_cast<double>(snapshot.bytes_done) / snapshot.elapsed;
  return format_bytes(static_cast<std::uint64_t>(rate)) + "/s";
}

std::string eta_text(const ProgressSnapshot& snapshot) {
  return snapshot.seconds_left ? format_clock(*snapshot.seconds_left) : "--";
}

std::string seconds_text(double seconds) {
  return std::to_string(static_cast<long long>(std::max(0.0, seconds))) + "s";
}

std::string bar_text(double fraction, std::size_t width) {
  const auto filled = static_cast<std::size_t>(fraction * static_cast<double>(width));
  return "[" + std::string(filled, '#') + std::string(width - filled, '-') + "]";
}

// Non-ASCII bytes (and control characters) as '?': one column each.
std::string ascii(std::string_view text) {
  std::string shown;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x80 && byte < 0xC0) continue;  // a UTF-8 continuation byte: one '?' per character
    shown += byte < 0x20 || byte >= 0x7F ? '?' : c;
  }
  return shown;
}

// "13/33 double_blocks.12.img_attn.qkv 3s" in at most `columns`: short of room, the name alone,
// elided; empty where even that does not fit.
std::string layer_text(const ProgressSnapshot& snapshot, std::size_t columns) {
  if (!snapshot.converting) return "";
  const ProgressSnapshot::Layer& layer = *snapshot.converting;
  const std::string name = ascii(layer.name);
  const std::string seconds = " " + seconds_text(layer.seconds);
  const std::string numbered = std::to_string(layer.number) + "/" +
                               std::to_string(snapshot.layers_total) + " " + name + seconds;
  if (numbered.size() <= columns) return numbered;
  if (columns < seconds.size() + std::min(kMinName, name.size())) return "";
  return elide_middle(name, columns - seconds.size()) + seconds;
}

}  // namespace

std::string format_clock(double seconds) {
  constexpr double kLimit = 100.0 * 3600;
  if (seconds >= kLimit) return ">99h";
  const auto whole = static_cast<long long>(std::isnan(seconds) ? 0.0 : std::max(0.0, seconds));
  const auto two_digits = [](long long value) {
    return (value < 10 ? "0" : "") + std::to_string(value);
  };
  return std::to_string(whole / 3600) + ":" + two_digits(whole / 60 % 60) + ":" +
         two_digits(whole % 60);
}

std::string elide_middle(std::string_view text, std::size_t columns) {
  if (text.size() <= columns) return std::string(text);
  constexpr std::string_view kEllipsis = "...";
  if (columns <= kEllipsis.size()) return std::string(text.substr(0, columns));
  const std::size_t kept = columns - kEllipsis.size();
  const std::size_t head = kept / 3;
  const std::size_t tail = kept - head;
  return std::string(text.substr(0, head)) + std::string(kEllipsis) +
         std::string(text.substr(text.size() - tail));
}

std::string render_progress_bar(const ProgressSnapshot& snapshot, std::size_t columns) {
  const std::size_t room = columns > 0 ? columns - 1 : 0;
  const std::string head =
      format_clock(snapshot.elapsed) + " " + pad_left(percent_text(snapshot), 4);
  const std::string rate = pad_left(rate_text(snapshot), 10);
  const std::string eta = "ETA " + eta_text(snapshot);
  const auto with_bar = [&](std::size_t bar) {
    return head + " " + bar_text(fraction_done(snapshot), bar) + "  " + rate + "  " + eta;
  };
  const std::size_t without_bar = with_bar(0).size();
  if (without_bar + kMinBar <= room) {
    const std::size_t spare = room - without_bar;
    // The bar shrinks (down to kMinBar) for the layer, whose name is elided if that is not enough.
    const std::size_t wanted = layer_text(snapshot, kUnlimited).size();
    if (wanted > 0 && spare >= kMinBar + 2) {
      const std::size_t bar =
          spare >= kMinBar + 2 + wanted ? std::min(kMaxBar, spare - 2 - wanted) : kMinBar;
      const std::string layer = layer_text(snapshot, spare - bar - 2);
      if (!layer.empty()) return with_bar(bar) + "  " + layer;
    }
    return with_bar(std::min(spare, kMaxBar));
  }
  for (const std::string& shorter : {head + "  " + rate + "  " + eta, head + "  " + eta, head}) {
    if (shorter.size() <= room) return shorter;
  }
  return head.substr(0, room);
}

std::string render_progress_log_line(const ProgressSnapshot& snapshot) {
  std::string line = "progress: " + format_clock(snapshot.elapsed) + "  " + percent_text(snapshot);
  if (snapshot.bytes_total > 0) line += " of " + format_bytes(snapshot.bytes_total);
  line += "  " + rate_text(snapshot) + "  ETA " + eta_text(snapshot);
  if (snapshot.layers_total > 0) {
    line += "  layers " + std::to_string(snapshot.layers_done) + "/" +
            std::to_string(snapshot.layers_total);
  }
  if (snapshot.converting) {
    line += ", converting " + escaped(snapshot.converting->name);
    if (snapshot.converting->seconds >= 1.0) {
      line += " for " + seconds_text(snapshot.converting->seconds);
    }
  }
  return line;
}

}  // namespace lrq::host
