// The queues between the converter's threads: bounded, closed by the producer, and every wait ends
// when the run is stopped; the first failure is the one kept.
#include <gtest/gtest.h>

#include <future>
#include <stdexcept>
#include <thread>

#include "pipeline/bounded_queue.hpp"
#include "pipeline/first_failure.hpp"

namespace lrq::host {
namespace {

TEST(BoundedQueue, HandsItemsOverInOrderUntilClosedAndDrained) {
  std::stop_source stop;
  BoundedQueue<int> queue(1, stop.get_token());
  std::thread producer([&] {
    for (int i = 0; i < 100; ++i)
      ASSERT_TRUE(queue.push(i));
    queue.close();
  });
  for (int i = 0; i < 100; ++i)
    EXPECT_EQ(queue.pop(), i);
  EXPECT_EQ(queue.pop(), std::nullopt);
  producer.join();
}

TEST(BoundedQueue, AStopEndsAWaitingPushAndAWaitingPop) {
  std::stop_source stop;
  BoundedQueue<int> full(1, stop.get_token());
  ASSERT_TRUE(full.push(1));
  BoundedQueue<int> empty(1, stop.get_token());
  auto push = std::async(std::launch::async, [&] { return full.push(2); });
  auto pop = std::async(std::launch::async, [&] { return empty.pop(); });
  stop.request_stop();
  EXPECT_FALSE(push.get());
  EXPECT_EQ(pop.get(), std::nullopt);
  EXPECT_FALSE(full.wait_for_room());
  EXPECT_EQ(full.pop(), std::nullopt);  // a stopped run hands nothing more over
}

TEST(FirstFailure, KeepsTheFirstExceptionAndStopsTheRun) {
  FirstFailure failure;
  EXPECT_FALSE(failure.stopped());
  EXPECT_NO_THROW(failure.rethrow());
  failure.run([] { throw std::runtime_error("first"); });
  failure.run([] { throw std::logic_error("second"); });
  EXPECT_TRUE(failure.stop_token().stop_requested());
  try {
    failure.rethrow();
    FAIL() << "nothing thrown";
  } catch (const std::runtime_error& error) {
    EXPECT_STREQ(error.what(), "first");
  }
}

}  // namespace
}  // namespace lrq::host
