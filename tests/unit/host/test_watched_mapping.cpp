#include "pipeline/watched_mapping.hpp"

#include <array>
#include <cstddef>
#include <span>
#include <string>

#include <gtest/gtest.h>

namespace lrq::host {
namespace {

TEST(WatchedMapping, NamesTheFileThatHoldsAnAddressWhileWatched) {
  std::array<std::byte, 64> first{};
  std::array<std::byte, 64> second{};
  std::array<std::byte, 8> elsewhere{};
  {
    const WatchedMapping watched_first(first, "/models/a.safetensors");
    const WatchedMapping watched_second(second, "/models/b.safetensors");
    EXPECT_EQ(std::string(watched_file_at(&first[0])), "/models/a.safetensors");
    EXPECT_EQ(std::string(watched_file_at(&first[63])), "/models/a.safetensors");
    EXPECT_EQ(std::string(watched_file_at(&second[10])), "/models/b.safetensors");
    EXPECT_EQ(watched_file_at(&elsewhere[0]), nullptr);
  }
  EXPECT_EQ(watched_file_at(&first[0]), nullptr);
  EXPECT_EQ(watched_file_at(&second[10]), nullptr);
}

TEST(WatchedMapping, WatchesNothingForNoBytes) {
  std::array<std::byte, 1> byte{};
  const WatchedMapping watched(std::span<const std::byte>(byte.data(), 0), "/models/empty");
  EXPECT_EQ(watched_file_at(byte.data()), nullptr);
}

}  // namespace
}  // namespace lrq::host
