// The `_quantization_metadata` entry of a safetensors `__metadata__`: read as the converter reads
// an input's, and rewritten as it writes the output's.
#include "fuzz_support.hpp"
#include "pipeline/quantization_metadata.hpp"

namespace {

void read_entry(std::span<const std::uint8_t> bytes) {
  const lrq::Metadata metadata = {
      {std::string(lrq::host::kQuantizationMetadataKey), std::string(lrq::fuzz::as_text(bytes))}};
  const std::map<std::string, std::string> layers =
      lrq::host::read_quantization_metadata(metadata, "input.safetensors");
  const std::map<std::string, std::string> written = {
      {"blocks.0.linear", R"({"format": "float8_e4m3fn"})"}};
  const std::vector<lrq::TensorInfo> outputs = {
      {"blocks.0.linear.weight", lrq::DType::F8_E4M3, {4, 4}},
      {"blocks.1.linear.weight", lrq::DType::I8, {4, 4}}};
  const lrq::host::OutputMetadata output =
      lrq::host::output_metadata(metadata, written, outputs, "input.safetensors");
  if (output.dropped.size() > layers.size()) std::abort();
  if (!output.dropped.empty())
    static_cast<void>(lrq::host::dropped_entries_warning(output.dropped));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  lrq::fuzz::expect_clean_refusal(read_entry, {data, size});
  return 0;
}
