#include "support/raw_safetensors.hpp"

#include <fstream>
#include <iterator>
#include <stdexcept>

namespace lrq::test {

std::string u64_le(std::uint64_t value) {
  std::string bytes(8, '\0');
  for (auto& byte : bytes) {
    byte = static_cast<char>(value & 0xFF);
    value >>= 8;
  }
  return bytes;
}

std::string raw_file_declaring(std::uint64_t declared_length, std::string_view header,
                               std::string_view data) {
  std::string bytes = u64_le(declared_length);
  bytes.append(header);
  bytes.append(data);
  return bytes;
}

std::string raw_file(std::string_view header_json, std::string_view data) {
  return raw_file_declaring(header_json.size(), header_json, data);
}

void write_file(const std::filesystem::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace lrq::test
