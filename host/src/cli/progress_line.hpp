// What a conversion's progress display shows, rendered as one line: a bar fitted to a terminal's
// width, or a plain line for logs. Pure functions of a snapshot, so that tests can pin them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lrq::host {

struct ProgressSnapshot {
  double elapsed = 0.0;           // seconds since the conversion began
  std::uint64_t bytes_done = 0;   // input bytes of the tensors written
  std::uint64_t bytes_total = 0;  // of every input tensor
  std::size_t layers_done = 0;    // quantized layers converted
  std::size_t layers_total = 0;   // 0 until the first layer begins
  std::optional<double> seconds_left;
  struct Layer {
    std::string name;
    std::size_t number = 0;  // from 1
    double seconds = 0.0;    // since its conversion began
  };
  std::optional<Layer> converting;
};

// "0:00:07", "12:34:56"; ">99h" from 100 hours on. Negative times count as 0.
std::string format_clock(double seconds);

// `text` in at most `columns` columns: where it does not fit, its middle replaced by "...",
// keeping twice as much of the end as of the start (layer names differ towards their end).
// Counts one column per byte: give it ASCII.
std::string elide_middle(std::string_view text, std::size_t columns);

// At most columns - 1 columns (a terminal may wrap at the last one), ASCII only, e.g.
// "0:00:12  42% [####------]  508.1 kB/s  ETA 0:00:17  double_...2.img_attn.qkv 3s" at 80; where
// the width is short the layer's number and name, the bar, the rate and the ETA give way in turn.
std::string render_progress_bar(const ProgressSnapshot& snapshot, std::size_t columns);

// For logs: "progress: 0:00:12  42% of 35.0 MB  35.1 MB/s  ETA 0:00:17  layers 12/33, converting
// double_blocks.0.img_mlp.0.weight for 3s".
std::string render_progress_log_line(const ProgressSnapshot& snapshot);

}  // namespace lrq::host
