#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <numeric>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lrq/error.hpp"
#include "lrq/quoted.hpp"
#include "lrq/safetensors.hpp"
#include "safetensors_header.hpp"

namespace lrq {

namespace {

constexpr std::uint64_t kLengthPrefixBytes = 8;

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& what) {
  throw Error(ErrorCategory::input, path.string() + ": " + what);
}

// Reports errno, so call it right after the failing call (it takes no arguments that allocate).
// An input that cannot be opened or mapped is an unusable input, like a malformed one.
[[noreturn]] void fail_io(const std::filesystem::path& path, const char* what) {
  const int error = errno;
  throw Error(ErrorCategory::input, path.string() + ": " + what + ": " + std::strerror(error));
}

std::uint64_t read_u64_le(const unsigned char* bytes) {
  std::uint64_t value = 0;
  for (int i = 7; i >= 0; --i) {
    value = (value << 8) | bytes[i];
  }
  return value;
}

bool data_order(const SafetensorsEntry& a, const SafetensorsEntry& b) {
  if (a.begin != b.begin) return a.begin < b.begin;
  return a.info.name < b.info.name;
}

// Expects `entries` in data order. Empty tensors occupy no bytes, so they never overlap.
// Gaps and trailing bytes pass, unlike in Python's safetensors: lrq never writes them, others may.
void check_no_overlap(const std::filesystem::path& path,
                      const std::vector<SafetensorsEntry>& entries) {
  const SafetensorsEntry* furthest = nullptr;
  for (const auto& entry : entries) {
    if (entry.begin == entry.end) continue;
    if (furthest != nullptr && entry.begin < furthest->end) {
      fail(path, "tensor " + in_quotes(entry.info.name) + ": field 'data_offsets' [" +
                     std::to_string(entry.begin) + ", " + std::to_string(entry.end) +
                     ") overlaps tensor " + in_quotes(furthest->info.name) + " [" +
                     std::to_string(furthest->begin) + ", " + std::to_string(furthest->end) + ")");
    }
    if (furthest == nullptr || entry.end > furthest->end) furthest = &entry;
  }
}

}  // namespace

struct SafetensorsReader::Mapping {
  int fd = -1;
  void* address = MAP_FAILED;
  std::size_t size = 0;

  Mapping() = default;
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  ~Mapping() {
    if (address != MAP_FAILED) munmap(address, size);
    if (fd >= 0) close(fd);
  }

  const unsigned char* bytes() const { return static_cast<const unsigned char*>(address); }
};

SafetensorsReader::SafetensorsReader(const std::filesystem::path& path)
    : path_(path), mapping_(std::make_unique<Mapping>()) {
  // O_NONBLOCK: a FIFO is refused below instead of waiting for a writer; it changes nothing for a
  // regular file.
  mapping_->fd = open(path_.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (mapping_->fd < 0) fail_io(path_, "cannot open");
  struct stat status {};
  if (fstat(mapping_->fd, &status) != 0) fail_io(path_, "cannot stat");
  if (!S_ISREG(status.st_mode)) fail(path_, "not a regular file");
  file_size_ = static_cast<std::uint64_t>(status.st_size);
  if (file_size_ < kLengthPrefixBytes) {
    fail(path_, "file is " + std::to_string(file_size_) +
                    " bytes, shorter than the 8-byte header length (truncated?)");
  }

  mapping_->size = static_cast<std::size_t>(file_size_);
  mapping_->address = mmap(nullptr, mapping_->size, PROT_READ, MAP_PRIVATE, mapping_->fd, 0);
  if (mapping_->address == MAP_FAILED) fail_io(path_, "cannot memory-map");
  madvise(mapping_->address, mapping_->size, MADV_SEQUENTIAL);  // only a hint

  header_size_ = read_u64_le(mapping_->bytes());
  if (header_size_ == 0) fail(path_, "header length is 0");
  if (header_size_ > kMaxSafetensorsHeaderBytes) {
    fail(path_, "header length " + std::to_string(header_size_) + " exceeds the limit of " +
                    std::to_string(kMaxSafetensorsHeaderBytes) + " bytes");
  }
  if (header_size_ > file_size_ - kLengthPrefixBytes) {
    fail(path_, "header length " + std::to_string(header_size_) +
                    " reaches past the end of the file (" + std::to_string(file_size_) +
                    " bytes; truncated?)");
  }
  const std::string_view header_text(
      reinterpret_cast<const char*>(mapping_->bytes() + kLengthPrefixBytes),
      static_cast<std::size_t>(header_size_));
  auto header = detail::parse_safetensors_header(path_, header_text,
                                                 file_size_ - kLengthPrefixBytes - header_size_);
  entries_ = std::move(header.entries);
  metadata_ = std::move(header.metadata);
  std::sort(entries_.begin(), entries_.end(), data_order);
  check_no_overlap(path_, entries_);
  by_name_.resize(entries_.size());
  std::iota(by_name_.begin(), by_name_.end(), std::size_t{0});
  std::sort(by_name_.begin(), by_name_.end(), [&](std::size_t a, std::size_t b) {
    return entries_[a].info.name < entries_[b].info.name;
  });
}

SafetensorsReader::~SafetensorsReader() = default;
SafetensorsReader::SafetensorsReader(SafetensorsReader&&) noexcept = default;
SafetensorsReader& SafetensorsReader::operator=(SafetensorsReader&&) noexcept = default;

const SafetensorsEntry* SafetensorsReader::find(std::string_view name) const noexcept {
  const auto found = std::lower_bound(by_name_.begin(), by_name_.end(), name,
                                      [&](std::size_t index, std::string_view wanted) {
                                        return entries_[index].info.name < wanted;
                                      });
  if (found == by_name_.end() || entries_[*found].info.name != name) return nullptr;
  return &entries_[*found];
}

void SafetensorsReader::release(const SafetensorsEntry& entry) const noexcept {
  static const auto page = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
  const auto start = reinterpret_cast<std::uintptr_t>(view(entry).bytes.data());
  const std::uintptr_t end = start + (entry.end - entry.begin);
  // Only whole pages inside the tensor: its neighbours may still be in use.
  const std::uintptr_t first = (start + page - 1) / page * page;
  const std::uintptr_t last = end / page * page;
  if (last > first) {
    madvise(reinterpret_cast<void*>(first), last - first, MADV_DONTNEED);
  }
}

TensorView SafetensorsReader::view(const SafetensorsEntry& entry) const noexcept {
  const auto* data = reinterpret_cast<const std::byte*>(mapping_->bytes()) + kLengthPrefixBytes +
                     header_size_ + entry.begin;
  return TensorView{
      entry.info.dtype, entry.info.shape,
      std::span<const std::byte>(data, static_cast<std::size_t>(entry.end - entry.begin))};
}

}  // namespace lrq
