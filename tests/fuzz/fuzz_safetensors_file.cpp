// A whole safetensors file: the reader's checks of the header and layout, then every tensor's bytes
// read through its view and released.
#include <numeric>

#include "fuzz_support.hpp"
#include "lrq/safetensors.hpp"

namespace {

void read_file(std::span<const std::uint8_t> bytes) {
  const lrq::SafetensorsReader reader(lrq::fuzz::write_input_file("model.safetensors", bytes));
  for (const lrq::SafetensorsEntry& entry : reader.entries()) {
    if (reader.find(entry.info.name) != &entry) std::abort();
    const std::span<const std::byte> data = reader.view(entry).bytes;
    if (data.size() != entry.end - entry.begin) std::abort();
    const unsigned sum = std::accumulate(
        data.begin(), data.end(), 0U,
        [](unsigned total, std::byte b) { return total + static_cast<unsigned>(b); });
    static volatile unsigned sink = 0;
    sink = sink + sum;
    reader.release(entry);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  lrq::fuzz::expect_clean_refusal(read_file, {data, size});
  return 0;
}
