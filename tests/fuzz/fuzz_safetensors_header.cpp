// The safetensors header: the input is the JSON text, put in a file with its length in front and a
// data section of kDataBytes zero bytes behind, so that offsets up to that size are in range.
#include <vector>

#include "fuzz_support.hpp"
#include "lrq/safetensors.hpp"

namespace {

constexpr std::size_t kDataBytes = 4096;

void parse_header(std::span<const std::uint8_t> header) {
  std::vector<std::uint8_t> file(8 + header.size() + kDataBytes, 0);
  std::uint64_t length = header.size();
  for (std::size_t i = 0; i < 8; ++i, length >>= 8)
    file[i] = static_cast<std::uint8_t>(length & 0xff);
  std::copy(header.begin(), header.end(), file.begin() + 8);
  const lrq::SafetensorsReader reader(lrq::fuzz::write_input_file("header.safetensors", file));
  for (const lrq::SafetensorsEntry& entry : reader.entries()) {
    if (entry.end < entry.begin || entry.end > kDataBytes) std::abort();
    if (reader.view(entry).bytes.size() != entry.end - entry.begin) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  lrq::fuzz::expect_clean_refusal(parse_header, {data, size});
  return 0;
}
