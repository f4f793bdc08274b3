#include "support/temp_dir.hpp"

#include <stdlib.h>

#include <cerrno>
#include <string>
#include <system_error>

namespace lrq::test {

TempDir::TempDir() {
  std::string name = (std::filesystem::temp_directory_path() / "lrq-test-XXXXXX").string();
  if (mkdtemp(name.data()) == nullptr) {
    throw std::system_error(errno, std::generic_category(), "mkdtemp " + name);
  }
  path_ = name;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::filesystem::path TempDir::make_directory(const std::filesystem::path& relative) const {
  std::filesystem::create_directories(path_ / relative);
  return path_ / relative;
}

}  // namespace lrq::test
