#include "device_tables.hpp"

#include <cstring>
#include <vector>

#include "cuda_check.hpp"
#include "lrq/float_convert.hpp"

namespace lrq::cuda {
namespace {

constexpr std::size_t kCodes = 256;
constexpr std::size_t kE5m2Offset = kCodes * sizeof(float);
constexpr std::size_t kTableBytes = 2 * kCodes * sizeof(float);

std::vector<std::byte> host_tables() {
  std::vector<std::byte> bytes(kTableBytes);
  for (std::size_t code = 0; code < kCodes; ++code) {
    const float e4m3fn = e4m3fn_to_f32(static_cast<std::uint8_t>(code));
    const float e5m2 = e5m2_to_f32(static_cast<std::uint8_t>(code));
    std::memcpy(bytes.data() + code * sizeof(float), &e4m3fn, sizeof(float));
    std::memcpy(bytes.data() + kE5m2Offset + code * sizeof(float), &e5m2, sizeof(float));
  }
  return bytes;
}

}  // namespace

DeviceTables::DeviceTables(DeviceContext& context)
    : memory_(context.allocate(DType::U8, {static_cast<std::int64_t>(kTableBytes)},
                               context.compute())) {
  const std::vector<std::byte> bytes = host_tables();
  LRQ_CUDA_CHECK(cudaMemcpyAsync(memory_.data, bytes.data(), bytes.size(), cudaMemcpyHostToDevice,
                                 context.compute()));
  LRQ_CUDA_CHECK(cudaStreamSynchronize(context.compute()));  // before `bytes` goes
  const auto* base = static_cast<const std::byte*>(memory_.data);
  tables_.e4m3fn_values = reinterpret_cast<const float*>(base);
  tables_.e5m2_values = reinterpret_cast<const float*>(base + kE5m2Offset);
}

}  // namespace lrq::cuda
