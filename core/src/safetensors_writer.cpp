#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lrq/error.hpp"
#include "lrq/quoted.hpp"
#include "lrq/safetensors.hpp"

namespace lrq {

namespace {

using Json = nlohmann::ordered_json;
namespace fs = std::filesystem;

constexpr std::size_t kHeaderAlignment = 8;

[[noreturn]] void fail(ErrorCategory category, const fs::path& output, const std::string& what) {
  throw Error(category, output.string() + ": " + what);
}

[[noreturn]] void fail_errno(const fs::path& output, const std::string& what, int error) {
  fail(ErrorCategory::io, output, what + ": " + std::strerror(error));
}

// Closes and removes the temporary file; `fd` becomes -1 so that this happens at most once.
void discard_temporary(int& fd, const fs::path& temporary) noexcept {
  if (fd < 0) return;
  close(fd);
  fd = -1;
  unlink(temporary.c_str());
}

// The process umask without changing it: umask() can only be read by setting it, which would
// race with other threads creating files, so prefer the kernel's report.
mode_t current_umask() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("Umask:", 0) == 0) {
      return static_cast<mode_t>(std::strtoul(line.c_str() + 6, nullptr, 8));
    }
  }
  const mode_t mask = umask(022);
  umask(mask);
  return mask;
}

// Gives the temporary file the mode a plain open() would have (mkostemp makes it 0600). Best
// effort where the file system cannot store the mode: vfat and exfat refuse chmods they cannot
// represent with EPERM, so a USB stick would otherwise be unwritable.
void set_permissions(const fs::path& output, int fd, const fs::path& temporary) {
  if (fchmod(fd, 0666 & ~current_umask()) == 0) return;
  const int error = errno;
  constexpr int kUnstorable[] = {EPERM, ENOTSUP, EOPNOTSUPP, EROFS};
  if (std::ranges::count(kUnstorable, error) == 0) {
    fail_errno(output, "cannot set the permissions of " + temporary.string(), error);
  }
}

std::uint64_t planned_bytes(const fs::path& output, const TensorInfo& tensor) {
  std::uint64_t count = itemsize(tensor.dtype);
  for (const auto dim : tensor.shape) {
    if (dim < 0) {
      fail(ErrorCategory::internal, output,
           "tensor " + in_quotes(tensor.name) + " has a negative dimension");
    }
    if (__builtin_mul_overflow(count, static_cast<std::uint64_t>(dim), &count) ||
        count > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      fail(ErrorCategory::internal, output, "tensor " + in_quotes(tensor.name) + " is too large");
    }
  }
  return count;
}

void check_plan(const fs::path& output, const std::vector<TensorInfo>& tensors,
                const Metadata& metadata) {
  std::set<std::string_view> names;
  for (const auto& tensor : tensors) {
    if (tensor.name.empty() || tensor.name == "__metadata__") {
      fail(ErrorCategory::internal, output, "invalid tensor name " + in_quotes(tensor.name));
    }
    if (!names.insert(tensor.name).second) {
      fail(ErrorCategory::internal, output, "tensor " + in_quotes(tensor.name) + " planned twice");
    }
  }
  std::set<std::string_view> keys;
  for (const auto& [key, value] : metadata) {
    if (!keys.insert(key).second) {
      fail(ErrorCategory::internal, output, "metadata key " + in_quotes(key) + " given twice");
    }
  }
}

// A JSON string literal. Throws Error (internal) for text that is not valid UTF-8.
std::string json_string(const fs::path& output, const std::string& text) {
  try {
    return Json(text).dump();
  } catch (const Json::exception& e) {
    fail(ErrorCategory::internal, output,
         "a tensor name or metadata entry is not valid UTF-8: " + std::string(e.what()));
  }
}

// The length prefix and the compact JSON header, padded with spaces to a multiple of 8 bytes like
// the Python safetensors writer, so that the data section starts aligned. Built by concatenation:
// nlohmann::ordered_json inserts in linear time, which is quadratic over 10^5 tensors.
std::string make_header(const fs::path& output, const std::vector<TensorInfo>& tensors,
                        const Metadata& metadata) {
  std::string text = "{";
  if (!metadata.empty()) {
    text += "\"__metadata__\":{";
    for (const auto& [key, value] : metadata) {
      if (text.back() != '{') text += ',';
      text += json_string(output, key) + ":" + json_string(output, value);
    }
    text += "}";
  }
  std::uint64_t offset = 0;
  for (const auto& tensor : tensors) {
    const std::uint64_t end = offset + planned_bytes(output, tensor);
    if (end < offset) fail(ErrorCategory::internal, output, "total tensor size overflows");
    Json entry = Json::object();
    entry["dtype"] = std::string(safetensors_name(tensor.dtype));
    entry["shape"] = tensor.shape;
    entry["data_offsets"] = {offset, end};
    if (text.back() != '{') text += ',';
    text += json_string(output, tensor.name) + ":" + entry.dump();
    offset = end;
  }
  text += "}";
  text.append((kHeaderAlignment - text.size() % kHeaderAlignment) % kHeaderAlignment, ' ');
  if (text.size() > kMaxSafetensorsHeaderBytes) {
    fail(ErrorCategory::unsupported, output,
         "the header would be " + std::to_string(text.size()) + " bytes, over the limit of " +
             std::to_string(kMaxSafetensorsHeaderBytes));
  }

  std::string prefix(8, '\0');
  std::uint64_t length = text.size();
  for (auto& byte : prefix) {
    byte = static_cast<char>(length & 0xFF);
    length >>= 8;
  }
  return prefix + text;
}

fs::path output_directory(const fs::path& output) {
  fs::path directory = output.parent_path();
  return directory.empty() ? fs::path(".") : directory;
}

void check_output(const fs::path& output, const fs::path& protected_input) {
  if (output.filename().empty()) fail(ErrorCategory::usage, output, "not a file name");
  std::error_code error;
  if (!protected_input.empty() && fs::exists(output, error) &&
      fs::equivalent(output, protected_input, error)) {
    fail(ErrorCategory::usage, output,
         "refusing to overwrite the input file " + protected_input.string());
  }
  if (fs::is_directory(output, error)) {
    fail(ErrorCategory::usage, output, "is a directory, not a file name");
  }
  const fs::path directory = output_directory(output);
  if (!fs::is_directory(directory, error)) {
    fail(ErrorCategory::io, output,
         "the output directory " + directory.string() + " does not exist");
  }
}

}  // namespace

SafetensorsWriter::SafetensorsWriter(std::filesystem::path output, std::vector<TensorInfo> tensors,
                                     const Metadata& metadata,
                                     const std::filesystem::path& protected_input)
    : output_(std::move(output)), tensors_(std::move(tensors)) {
  check_plan(output_, tensors_, metadata);
  check_output(output_, protected_input);
  const std::string header = make_header(output_, tensors_, metadata);

  std::string name_template =
      (output_directory(output_) / (output_.filename().string() + ".tmp-XXXXXX")).string();
  fd_ = mkostemp(name_template.data(), O_CLOEXEC);
  if (fd_ < 0) {
    const int error = errno;
    fail_errno(output_, "cannot create a temporary file " + name_template, error);
  }
  temporary_ = name_template;

  // The destructor does not run when a constructor throws, so clean up here.
  try {
    set_permissions(output_, fd_, temporary_);
    write_all(std::as_bytes(std::span(header)));
  } catch (...) {
    discard_temporary(fd_, temporary_);
    throw;
  }
}

SafetensorsWriter::~SafetensorsWriter() {
  if (!committed_) discard_temporary(fd_, temporary_);
}

void SafetensorsWriter::write(std::string_view name, std::span<const std::byte> bytes) {
  if (fd_ < 0) {
    fail(ErrorCategory::internal, output_,
         "tensor " + in_quotes(name) + " written after the writer " +
             (committed_ ? "was committed" : "failed"));
  }
  if (next_ >= tensors_.size()) {
    fail(ErrorCategory::internal, output_,
         "tensor " + in_quotes(name) + " written, but all " + std::to_string(tensors_.size()) +
             " planned tensors are already written");
  }
  const TensorInfo& expected = tensors_[next_];
  if (name != expected.name) {
    fail(ErrorCategory::internal, output_,
         "tensor " + in_quotes(name) + " written out of order: the next planned tensor is " +
             in_quotes(expected.name));
  }
  if (bytes.size() != expected.bytes()) {
    fail(ErrorCategory::internal, output_,
         "tensor " + in_quotes(name) + " has " + std::to_string(bytes.size()) +
             " bytes, but the plan needs " + std::to_string(expected.bytes()));
  }
  const off_t start = lseek(fd_, 0, SEEK_CUR);
  write_all(bytes);
  ++next_;
  // Starts writing this tensor's dirty pages to the disk now, without waiting, so that the fsync
  // of commit() finds little left to do instead of the whole file. Only a hint: commit's fsync
  // reports any error.
  if (start >= 0) {
    sync_file_range(fd_, start, static_cast<off_t>(bytes.size()), SYNC_FILE_RANGE_WRITE);
  }
}

void SafetensorsWriter::write_all(std::span<const std::byte> bytes) {
  while (!bytes.empty()) {
    const ssize_t written = ::write(fd_, bytes.data(), bytes.size());
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) {
      // A regular file never accepts 0 bytes of a non-empty write unless something is wrong.
      const int error = written < 0 ? errno : EIO;
      discard_temporary(fd_, temporary_);
      fail_errno(output_, "write failed", error);
    }
    bytes = bytes.subspan(static_cast<std::size_t>(written));
  }
}

void SafetensorsWriter::commit() {
  if (fd_ < 0) {
    fail(ErrorCategory::internal, output_,
         committed_ ? "committed twice" : "commit after a failed write");
  }
  if (next_ < tensors_.size()) {
    fail(ErrorCategory::internal, output_,
         "commit before every tensor was written: tensor " + in_quotes(tensors_[next_].name) +
             " is missing");
  }
  if (fsync(fd_) != 0) {
    const int error = errno;
    discard_temporary(fd_, temporary_);
    fail_errno(output_, "fsync failed", error);
  }
  const int fd = std::exchange(fd_, -1);
  if (close(fd) != 0) {
    const int error = errno;
    unlink(temporary_.c_str());
    fail_errno(output_, "close failed", error);
  }
  if (rename(temporary_.c_str(), output_.c_str()) != 0) {
    const int error = errno;
    unlink(temporary_.c_str());
    fail_errno(output_, "cannot rename " + temporary_.string() + " to it", error);
  }
  committed_ = true;

  // Makes the rename itself durable. Best effort where the directory cannot be opened or the
  // file system does not sync directories (EINVAL); a real I/O error is still reported.
  const fs::path directory = output_directory(output_);
  const int directory_fd = open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (directory_fd < 0) return;
  const int result = fsync(directory_fd);
  const int error = errno;
  close(directory_fd);
  if (result != 0 && error != EINVAL && error != EROFS) {
    fail_errno(output_, "fsync of the directory " + directory.string() + " failed", error);
  }
}

}  // namespace lrq
