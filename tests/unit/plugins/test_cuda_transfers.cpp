// What an asynchronous backend must get right about memory and transfers: copies larger than its
// staging buffers, uploads from a second thread while the first computes, tensors that outlive
// their backend, and the peak of device memory it reports. Runs on every backend.
#include <gtest/gtest.h>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>

#include "backend_fixture.hpp"
#include "backend_test_data.hpp"
#include "real_plugins.hpp"

namespace lrq::test {
namespace {

class BackendTransfers : public BackendTest {};

TEST_P(BackendTransfers, LargeTensorsRoundTripExactly) {
  // Several staging chunks and a partial last one.
  const std::int64_t count = (std::int64_t{41} << 20) / 4 + 7;
  std::vector<float> values(static_cast<std::size_t>(count));
  for (std::size_t i = 0; i < values.size(); ++i)
    values[i] = static_cast<float>(i % 100003) - 50000.5f;
  const DeviceTensor tensor = upload_floats(backend(), values, {count});
  EXPECT_EQ(download_floats(backend(), tensor), values);
}

TEST_P(BackendTransfers, EmptyTensorsRoundTrip) {
  const DeviceTensor tensor = upload_floats(backend(), {}, {0, 5});
  EXPECT_EQ(tensor.shape, (Shape{0, 5}));
  EXPECT_TRUE(download_floats(backend(), tensor).empty());
  EXPECT_EQ(backend().sum_of_squares(tensor), 0.0);
}

// The converter's pattern: one thread uploads the next layers while this one computes on the
// ones that arrived. Every value is a small integer, so the sums are exact.
TEST_P(BackendTransfers, UploadsFromASecondThreadArriveIntact) {
  constexpr int kTensors = 12;
  constexpr std::int64_t kCount = 3 << 20;
  std::mutex mutex;
  std::condition_variable arrived;
  std::deque<DeviceTensor> queue;
  std::jthread uploader([&] {
    for (int i = 0; i < kTensors; ++i) {
      const std::vector<float> values(kCount, static_cast<float>(i + 1));
      DeviceTensor tensor = upload_floats(backend(), values, {kCount});
      const std::lock_guard lock(mutex);
      queue.push_back(std::move(tensor));
      arrived.notify_one();
    }
  });
  DeviceTensor busy = backend().zeros({kCount});
  const DeviceTensor ones = upload_floats(backend(), std::vector<float>(kCount, 1.0f), {kCount});
  for (int i = 0; i < kTensors; ++i) {
    backend().axpby(1.0f, ones, 1.0f, busy);  // work queued while uploads are in flight
    DeviceTensor tensor;
    {
      std::unique_lock lock(mutex);
      arrived.wait(lock, [&] { return !queue.empty(); });
      tensor = std::move(queue.front());
      queue.pop_front();
    }
    const double value = i + 1;
    EXPECT_EQ(backend().sum_of_squares(tensor), value * value * kCount) << "tensor " << i;
  }
  uploader.join();
  EXPECT_EQ(backend().sum_of_squares(busy), double{kTensors} * kTensors * kCount);
}

TEST_P(BackendTransfers, TensorsMayOutliveTheirBackend) {
  DeviceTensor survivor;
  {
    const auto short_lived = make_backend(GetParam());
    survivor = upload_floats(*short_lived, {1.0f, 2.0f, 3.0f}, {3});
    DeviceTensor scratch = short_lived->zeros({1000});
    short_lived->axpby(2.0f, scratch, 0.0f, scratch);
  }
  survivor = DeviceTensor{};  // its memory goes back after the backend is gone
  SUCCEED();
}

TEST_P(BackendTransfers, ReportsThePeakOfDeviceMemory) {
  const std::int64_t count = 1 << 20;
  {
    const DeviceTensor tensor = backend().zeros({count});
    backend().synchronize();
  }
  const std::uint64_t peak = backend().info().peak_device_bytes;
  if (GetParam() == "cpu") {
    EXPECT_EQ(peak, 0u);  // host memory
  } else {
    EXPECT_GE(peak, static_cast<std::uint64_t>(count) * sizeof(float));
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, BackendTransfers, ::testing::ValuesIn(backend_names()),
                         backend_test_name);

}  // namespace
}  // namespace lrq::test
