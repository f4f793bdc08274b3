#include "profile/io_floor.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <system_error>
#include <vector>

#include "lrq/error.hpp"

namespace lrq::host {
namespace {

constexpr std::size_t kChunkBytes = std::size_t{16} << 20;

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& what) {
  throw Error(ErrorCategory::io,
              path.string() + ": " + what + ": " + std::generic_category().message(errno));
}

class OpenFile {
 public:
  OpenFile(const std::filesystem::path& path, int flags)
      : path_(path), descriptor_(::open(path.c_str(), flags | O_CLOEXEC, 0644)) {
    if (descriptor_ < 0) fail(path_, "cannot open");
  }
  ~OpenFile() { ::close(descriptor_); }
  OpenFile(const OpenFile&) = delete;
  OpenFile& operator=(const OpenFile&) = delete;

  // Reads to the end of the file.
  void read_all(std::vector<std::byte>& buffer) const {
    for (;;) {
      const ssize_t got = ::read(descriptor_, buffer.data(), buffer.size());
      if (got == 0) return;
      if (got < 0 && errno != EINTR) fail(path_, "read failed");
    }
  }

  void write_all(const std::vector<std::byte>& buffer, std::size_t size) const {
    std::size_t done = 0;
    while (done < size) {
      const ssize_t wrote = ::write(descriptor_, buffer.data() + done, size - done);
      if (wrote < 0 && errno == EINTR) continue;
      if (wrote <= 0) fail(path_, "write failed");
      done += static_cast<std::size_t>(wrote);
    }
  }

  void sync() const {
    if (::fsync(descriptor_) != 0) fail(path_, "fsync failed");
  }

 private:
  std::filesystem::path path_;
  int descriptor_;
};

}  // namespace

double time_cached_read(const std::filesystem::path& file) {
  std::vector<std::byte> buffer(kChunkBytes);
  OpenFile(file, O_RDONLY).read_all(buffer);
  const Clock::time_point start = Clock::now();
  OpenFile(file, O_RDONLY).read_all(buffer);
  return seconds_since(start);
}

double time_write_and_fsync(const std::filesystem::path& directory, std::uint64_t bytes) {
  const std::filesystem::path path = directory / "io-floor.tmp";
  std::vector<std::byte> buffer(kChunkBytes, std::byte{0x5a});
  const Clock::time_point start = Clock::now();
  try {
    const OpenFile file(path, O_WRONLY | O_CREAT | O_TRUNC);
    for (std::uint64_t left = bytes; left > 0;) {
      const std::size_t chunk = left < kChunkBytes ? static_cast<std::size_t>(left) : kChunkBytes;
      file.write_all(buffer, chunk);
      left -= chunk;
    }
    file.sync();
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
    throw;
  }
  const double seconds = seconds_since(start);
  std::filesystem::remove(path);
  return seconds;
}

}  // namespace lrq::host
