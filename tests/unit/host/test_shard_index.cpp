#include <gtest/gtest.h>

#include <fstream>

#include "caught_error.hpp"
#include "pipeline/shard_index.hpp"
#include "support/temp_dir.hpp"

namespace lrq::host {
namespace {

std::filesystem::path write_index(const test::TempDir& directory, const std::string& total_size) {
  const std::filesystem::path path = directory.file("model.safetensors.index.json");
  std::ofstream(path) << R"({"metadata": {"total_size": )" << total_size
                      << R"(}, "weight_map": {"a": "model-00001-of-00001.safetensors"}})";
  return path;
}

TEST(ShardIndex, TotalSizeMayBeAWholeFloat) {
  const test::TempDir directory;
  EXPECT_EQ(read_shard_index(write_index(directory, "1024.0")).total_size, 1024U);
  EXPECT_EQ(read_shard_index(write_index(directory, "1024")).total_size, 1024U);
}

// A double beyond 2^64 converted to an integer is undefined behaviour (UBSan, fuzz_shard_index).
TEST(ShardIndex, TotalSizeOutsideSixtyFourBitsIsAnInputError) {
  const test::TempDir directory;
  for (const char* size : {"1e30", "18446744073709551616.0", "-1.0", "1024.5", "-0.5"}) {
    const Error error = test::caught_error([&] { read_shard_index(write_index(directory, size)); });
    EXPECT_EQ(error.category(), ErrorCategory::input) << size;
    EXPECT_NE(std::string(error.what()).find("metadata.total_size must be a whole number"),
              std::string::npos)
        << error.what();
  }
}

}  // namespace
}  // namespace lrq::host
