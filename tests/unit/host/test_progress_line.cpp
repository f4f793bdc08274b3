// The progress display's lines: clock times, elision, and a bar that fits any width.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "cli/progress_line.hpp"

namespace lrq::host {
namespace {

// 42 % of 15 MB after 12.4 s, converting the 13th of 33 layers for 3.7 s, 17.2 s left.
ProgressSnapshot converting_snapshot() {
  ProgressSnapshot snapshot;
  snapshot.elapsed = 12.4;
  snapshot.bytes_done = 6'300'000;
  snapshot.bytes_total = 15'000'000;
  snapshot.layers_done = 12;
  snapshot.layers_total = 33;
  snapshot.seconds_left = 17.2;
  snapshot.converting = ProgressSnapshot::Layer{"double_blocks.12.img_attn.qkv", 13, 3.7};
  return snapshot;
}

TEST(FormatClock, HoursMinutesSecondsRoundedDown) {
  EXPECT_EQ(format_clock(0.0), "0:00:00");
  EXPECT_EQ(format_clock(7.9), "0:00:07");
  EXPECT_EQ(format_clock(59.99), "0:00:59");
  EXPECT_EQ(format_clock(60.0), "0:01:00");
  EXPECT_EQ(format_clock(3600.0), "1:00:00");
  EXPECT_EQ(format_clock(12 * 3600 + 34 * 60 + 56), "12:34:56");
  EXPECT_EQ(format_clock(100.0 * 3600 - 1), "99:59:59");
}

TEST(FormatClock, NeverAnAbsurdValue) {
  EXPECT_EQ(format_clock(100.0 * 3600), ">99h");
  EXPECT_EQ(format_clock(1e30), ">99h");
  EXPECT_EQ(format_clock(std::numeric_limits<double>::infinity()), ">99h");
  EXPECT_EQ(format_clock(-5.0), "0:00:00");
  EXPECT_EQ(format_clock(std::numeric_limits<double>::quiet_NaN()), "0:00:00");
}

TEST(ElideMiddle, KeepsBothEndsAndTheWidth) {
  EXPECT_EQ(elide_middle("abcdefghij", 10), "abcdefghij");
  EXPECT_EQ(elide_middle("abcdefghij", 7), "a...hij");
  EXPECT_EQ(elide_middle("abcdefghij", 9), "ab...ghij");
  EXPECT_EQ(elide_middle("abcdefghij", 3), "abc");
  EXPECT_EQ(elide_middle("abcdefghij", 0), "");
}

TEST(ProgressBar, AtEightyColumnsTheBarShrinksAndTheLayerNameIsElided) {
  EXPECT_EQ(render_progress_bar(converting_snapshot(), 80),
            "0:00:12  42% [####------]  508.1 kB/s  ETA 0:00:17  double_...2.img_attn.qkv 3s");
}

TEST(ProgressBar, AtAHundredAndTwentyColumnsEverythingFits) {
  EXPECT_EQ(render_progress_bar(converting_snapshot(), 120),
            "0:00:12  42% [############------------------]  508.1 kB/s  ETA 0:00:17  "
            "13/33 double_blocks.12.img_attn.qkv 3s");
}

TEST(ProgressBar, NarrowTerminalsDropTheLayerTheBarTheRateThenTheEta) {
  const ProgressSnapshot snapshot = converting_snapshot();
  EXPECT_EQ(render_progress_bar(snapshot, 40), "0:00:12  42%  508.1 kB/s  ETA 0:00:17");
  EXPECT_EQ(render_progress_bar(snapshot, 30), "0:00:12  42%  ETA 0:00:17");
  EXPECT_EQ(render_progress_bar(snapshot, 20), "0:00:12  42%");
  EXPECT_EQ(render_progress_bar(snapshot, 10), "0:00:12  ");
  EXPECT_EQ(render_progress_bar(snapshot, 0), "");
}

TEST(ProgressBar, NeverReachesTheLastColumn) {
  ProgressSnapshot snapshot = converting_snapshot();
  snapshot.converting->name = std::string(300, 'x');
  snapshot.elapsed = 99 * 3600;
  snapshot.seconds_left = 1e9;
  for (std::size_t columns = 0; columns <= 400; ++columns) {
    SCOPED_TRACE(columns);
    const std::string line = render_progress_bar(snapshot, columns);
    EXPECT_LE(line.size(), columns > 0 ? columns - 1 : 0);
    if (columns >= 60) {
      EXPECT_NE(line.find("ETA >99h"), std::string::npos) << line;
    }
  }
}

TEST(ProgressBar, WithoutEvidenceNoEstimateAndNoRate) {
  ProgressSnapshot snapshot;
  snapshot.elapsed = 0.3;
  EXPECT_EQ(render_progress_bar(snapshot, 80),
            "0:00:00   0% [------------------------------]     -- MB/s  ETA --");
}

TEST(ProgressBar, ShowsNoEscapeSequenceFromALayerName) {
  ProgressSnapshot snapshot = converting_snapshot();
  snapshot.converting->name = "evil\x1b[2J\xc3\xa9.weight";
  const std::string line = render_progress_bar(snapshot, 200);
  EXPECT_NE(line.find("  13/33 evil?[2J?.weight 3s"), std::string::npos) << line;
}

TEST(ProgressLogLine, SaysEverythingInPlainWords) {
  EXPECT_EQ(render_progress_log_line(converting_snapshot()),
            "progress: 0:00:12  42% of 15.0 MB  508.1 kB/s  ETA 0:00:17  layers 12/33, converting "
            "double_blocks.12.img_attn.qkv for 3s");
  ProgressSnapshot starting;
  starting.converting = ProgressSnapshot::Layer{"img_in", 1, 0.2};
  starting.layers_total = 5;
  EXPECT_EQ(render_progress_log_line(starting),
            "progress: 0:00:00  0%  -- MB/s  ETA --  layers 0/5, converting img_in");
}

}  // namespace
}  // namespace lrq::host
