// The ABI guard: a change to any public header of core/include/lrq fails this test until someone
// decides whether the plugin ABI version must be bumped and records the new state.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "lrq/abi.hpp"

namespace {

namespace fs = std::filesystem;

const fs::path source_directory{LRQ_TEST_SOURCE_DIRECTORY};

class Fnv1a64 {
 public:
  void add(std::string_view bytes) {
    for (const char byte : bytes) {
      hash_ = (hash_ ^ static_cast<unsigned char>(byte)) * 0x100000001b3u;
    }
  }
  std::uint64_t value() const { return hash_; }

 private:
  std::uint64_t hash_ = 0xcbf29ce484222325u;
};

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

std::vector<fs::path> public_headers() {
  std::vector<fs::path> headers;
  for (const fs::directory_entry& entry :
       fs::directory_iterator(source_directory / "core" / "include" / "lrq")) {
    if (entry.is_regular_file() && entry.path().extension() == ".hpp") {
      headers.push_back(entry.path());
    }
  }
  std::sort(headers.begin(), headers.end());
  return headers;
}

// The file names count too (with a NUL after each), so that adding, removing or renaming a header
// changes the hash.
std::string public_headers_hash() {
  Fnv1a64 hash;
  for (const fs::path& header : public_headers()) {
    hash.add(header.filename().string());
    hash.add(std::string_view("\0", 1));
    hash.add(read_file(header));
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash.value()));
  return hex;
}

std::string guard_line() {
  return std::to_string(LRQ_ABI_MAJOR) + "." + std::to_string(LRQ_ABI_MINOR) + " " +
         public_headers_hash();
}

std::string stored_guard_line() {
  std::string stored = read_file(source_directory / "tests" / "abi_guard.txt");
  stored.erase(stored.find_last_not_of(" \t\r\n") + 1);
  return stored;
}

TEST(AbiGuard, PublicHeadersMatchTheRecordedAbiVersion) {
  ASSERT_FALSE(public_headers().empty());
  const std::string current = guard_line();
  EXPECT_EQ(stored_guard_line(), current)
      << "the public headers changed — decide whether the ABI version must be bumped "
         "(lrq/abi.hpp), then update tests/abi_guard.txt with this line:\n"
      << current;
}

}  // namespace
