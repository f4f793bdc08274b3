// A sharded checkpoint's index, NAME.safetensors.index.json.
#include "fuzz_support.hpp"
#include "pipeline/shard_index.hpp"

namespace {

void read_index(std::span<const std::uint8_t> bytes) {
  const lrq::host::ShardIndex index = lrq::host::read_shard_index(
      lrq::fuzz::write_input_file("model.safetensors.index.json", bytes));
  if (index.weight_map.empty() || index.shards.empty()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  lrq::fuzz::expect_clean_refusal(read_index, {data, size});
  return 0;
}
