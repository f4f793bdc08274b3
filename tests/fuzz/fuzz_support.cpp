#include "fuzz_support.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <system_error>

#include "lrq/error.hpp"

namespace lrq::fuzz {
namespace {

class ProcessDirectory {
 public:
  ProcessDirectory()
      : path_(std::filesystem::temp_directory_path() / ("lrq-fuzz-" + std::to_string(::getpid()))) {
    std::filesystem::create_directories(path_);
  }
  ~ProcessDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ProcessDirectory(const ProcessDirectory&) = delete;
  ProcessDirectory& operator=(const ProcessDirectory&) = delete;

  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace

void expect_clean_refusal(void (*parse)(std::span<const std::uint8_t>),
                          std::span<const std::uint8_t> bytes) {
  try {
    parse(bytes);
  } catch (const Error& error) {
    if (error.category() == ErrorCategory::internal) {
      std::fprintf(stderr, "internal error: %s\n", error.what());
      std::abort();
    }
  }
}

std::filesystem::path write_input_file(std::string_view name, std::span<const std::uint8_t> bytes) {
  static const ProcessDirectory directory;
  std::filesystem::path path = directory.path() / name;
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file.write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
  file.close();
  if (!file) std::abort();  // the fuzzing machine, not the parser, is at fault
  return path;
}

std::string_view as_text(std::span<const std::uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

}  // namespace lrq::fuzz
