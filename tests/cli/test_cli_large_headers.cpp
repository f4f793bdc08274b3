// Headers near the size limit and JSON from a file nested without end: memory for a header stays a
// small multiple of its size, inspect's output stays linear in the file however long a name is,
// and no JSON value from a file can overflow the stack.
#include <cstddef>
#include <string>

#include "cli_test.hpp"
#include "support/raw_safetensors.hpp"

namespace lrq::test {
namespace {

std::string u8_entry(const std::string& name, std::size_t offset) {
  return "\"" + name + R"(":{"dtype":"U8","shape":[1],"data_offsets":[)" + std::to_string(offset) +
         "," + std::to_string(offset + 1) + "]}";
}

// A file whose header has about `bytes` bytes, of the parts a JSON DOM multiplies most: a long
// `__metadata__` value, a tensor with very many dimensions and many small tensors.
std::string large_header_file(std::size_t bytes) {
  std::string header = R"({"__metadata__":{"note":")" + std::string(bytes / 8, 'm') + R"("},)";
  header += R"("dims":{"dtype":"U8","shape":[1)";
  for (std::size_t i = 1; i < bytes / 8; ++i)
    header += ",1";
  header += R"(],"data_offsets":[0,1]})";
  std::size_t offset = 1;
  while (header.size() < bytes) {
    std::string name = "layer." + std::to_string(offset) + ".";
    name.resize(40, 'n');
    header += "," + u8_entry(name, offset);
    ++offset;
  }
  return raw_file(header + "}", std::string(offset, '\0'));
}

class CliLargeHeaders : public CliTest {
 protected:
  std::filesystem::path write(const std::string& name, const std::string& bytes) const {
    const auto path = file(name);
    write_file(path, bytes);
    return path;
  }
};

TEST_F(CliLargeHeaders, InspectNeedsAFewTimesTheHeaderSizeInMemory) {
  constexpr std::size_t kHeaderBytes = 16'000'000;
  const HostRun small =
      run_host({"inspect", write("small.safetensors", large_header_file(1000)).string()});
  ASSERT_EQ(small.exit_code, 0) << small.err;
  const HostRun large =
      run_host({"inspect", write("large.safetensors", large_header_file(kHeaderBytes)).string()});
  ASSERT_EQ(large.exit_code, 0) << large.err;
  // Parsed into a JSON DOM, this header took more than 15 times its size.
  EXPECT_LT(large.peak_memory_bytes, small.peak_memory_bytes + 8 * kHeaderBytes)
      << "peak " << large.peak_memory_bytes << " bytes, " << small.peak_memory_bytes
      << " for a small header";
}

TEST_F(CliLargeHeaders, InspectOutputIsLinearInTheLongestName) {
  const std::string long_name(1'000'000, 'x');
  std::string header = "{" + u8_entry(long_name, 0);
  constexpr std::size_t kShortNames = 300;
  for (std::size_t i = 1; i <= kShortNames; ++i)
    header += "," + u8_entry("t" + std::to_string(i), i);
  const std::string bytes = raw_file(header + "}", std::string(kShortNames + 1, '\0'));
  const HostRun run = run_host({"inspect", write("long.safetensors", bytes).string()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(contains(run.out, long_name));
  // Padding every row to the longest name printed 300 MB.
  EXPECT_LT(run.out.size(), 2 * bytes.size());
}

TEST_F(CliLargeHeaders, MetadataJsonNestedTooDeepIsAnErrorNotACrash) {
  const std::string nested = std::string(200'000, '[') + std::string(200'000, ']');
  const std::string tensor = R"("w":{"dtype":"U8","shape":[1],"data_offsets":[0,1]})";
  const auto quantization =
      write("quantization.safetensors",
            raw_file(R"({"__metadata__":{"_quantization_metadata":"{\"layers\":{\"w\":)" + nested +
                         R"(}}"},)" + tensor + "}",
                     "a"));
  const HostRun inspect = run_host({"inspect", quantization.string()});
  EXPECT_EQ(inspect.exit_code, 3) << inspect.err;
  EXPECT_TRUE(contains(inspect.err, "nests deeper than 128 levels")) << inspect.err;
  const auto provenance =
      write("provenance.safetensors",
            raw_file(R"({"__metadata__":{"lrq.recipe":")" + nested + R"("},)" + tensor + "}", "a"));
  const HostRun shown = run_host({"inspect", provenance.string(), "--json"});
  EXPECT_EQ(shown.exit_code, 0) << shown.err;
}

}  // namespace
}  // namespace lrq::test
