// Reading and writing safetensors files.
//
// The reader memory-maps the file read-only and validates every header field before anything is
// used. The writer streams tensors one at a time into a temporary file beside the target, then
// fsyncs and renames it, so a failed run never leaves a partial output behind.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lrq/tensor.hpp"

namespace lrq {

// safetensors' own limit (and ComfyUI's): larger headers are rejected.
inline constexpr std::uint64_t kMaxSafetensorsHeaderBytes = 100'000'000;

using Metadata = std::vector<std::pair<std::string, std::string>>;

struct SafetensorsEntry {
  TensorInfo info;
  std::uint64_t begin = 0;  // byte offsets relative to the start of the data section
  std::uint64_t end = 0;
};

class SafetensorsReader {
 public:
  // Throws lrq::Error (input) naming the file and the offending tensor or field.
  explicit SafetensorsReader(const std::filesystem::path& path);
  ~SafetensorsReader();
  SafetensorsReader(SafetensorsReader&&) noexcept;
  SafetensorsReader& operator=(SafetensorsReader&&) noexcept;
  SafetensorsReader(const SafetensorsReader&) = delete;
  SafetensorsReader& operator=(const SafetensorsReader&) = delete;

  const std::filesystem::path& path() const noexcept { return path_; }
  std::uint64_t file_size() const noexcept { return file_size_; }
  std::uint64_t header_size() const noexcept { return header_size_; }

  // In the order of their data in the file.
  const std::vector<SafetensorsEntry>& entries() const noexcept { return entries_; }
  const SafetensorsEntry* find(std::string_view name) const noexcept;
  TensorView view(const SafetensorsEntry& entry) const noexcept;
  // Done with this tensor: drops its pages from this process's mapping (the page cache keeps
  // them), so streaming a model through the reader does not grow the resident set. Views of it
  // stay valid; reading them again maps the pages again.
  void release(const SafetensorsEntry& entry) const noexcept;

  // The `__metadata__` string map, in header order.
  const Metadata& metadata() const noexcept { return metadata_; }

 private:
  struct Mapping;
  std::filesystem::path path_;
  std::unique_ptr<Mapping> mapping_;
  std::uint64_t file_size_ = 0;
  std::uint64_t header_size_ = 0;
  std::vector<SafetensorsEntry> entries_;
  std::vector<std::size_t> by_name_;  // indices into entries_, sorted by name
  Metadata metadata_;
};

class SafetensorsWriter {
 public:
  // Writes the header for exactly `tensors`, in this order, into a new temporary file in the
  // directory of `output`. `protected_input`, when not empty, is a file that must not be
  // overwritten: naming it (or another path to the same file) as `output` is an error.
  SafetensorsWriter(std::filesystem::path output, std::vector<TensorInfo> tensors,
                    const Metadata& metadata, const std::filesystem::path& protected_input = {});
  ~SafetensorsWriter();  // without commit(): removes the temporary file
  SafetensorsWriter(const SafetensorsWriter&) = delete;
  SafetensorsWriter& operator=(const SafetensorsWriter&) = delete;

  // The next tensor of the plan; `name` and the byte count must match it.
  void write(std::string_view name, std::span<const std::byte> bytes);
  // Every planned tensor written: flush, fsync, rename over the output, fsync the directory.
  void commit();

  const std::filesystem::path& output() const noexcept { return output_; }
  const std::filesystem::path& temporary_path() const noexcept { return temporary_; }

 private:
  void write_all(std::span<const std::byte> bytes);

  std::filesystem::path output_;
  std::filesystem::path temporary_;
  std::vector<TensorInfo> tensors_;
  std::size_t next_ = 0;
  int fd_ = -1;
  bool committed_ = false;
};

}  // namespace lrq
