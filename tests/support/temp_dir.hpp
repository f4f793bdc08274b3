// A fresh directory under the system's temporary directory, removed with everything in it when
// the object goes away.
#pragma once

#include <filesystem>
#include <string_view>

namespace lrq::test {

class TempDir {
 public:
  TempDir();  // throws std::system_error when the directory cannot be created
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const noexcept { return path_; }
  // A path inside the directory; nothing is created.
  std::filesystem::path file(std::string_view name) const { return path_ / name; }
  // Creates the subdirectory `relative` (and its parents) and returns its path.
  std::filesystem::path make_directory(const std::filesystem::path& relative) const;

 private:
  std::filesystem::path path_;
};

}  // namespace lrq::test
