// A queue between two threads of a conversion that holds at most `capacity` items, so the thread
// ahead cannot run further ahead than that. Every wait ends when the run's stop is requested.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <stop_token>
#include <utility>

namespace lrq::host {

template <class T>
class BoundedQueue {
 public:
  BoundedQueue(std::size_t capacity, std::stop_token stop)
      : capacity_(capacity), stop_(std::move(stop)) {}

  // Waits until there is room for an item; false when the run was stopped. With one producer,
  // the room is still there at its next push: it may prepare the item only once it has a place.
  bool wait_for_room() {
    std::unique_lock lock(mutex_);
    return wait_for_room(lock);
  }

  // Waits for room, then adds the item; false (the item dropped) when the run was stopped.
  bool push(T item) {
    std::unique_lock lock(mutex_);
    if (!wait_for_room(lock)) return false;
    items_.push_back(std::move(item));
    changed_.notify_all();
    return true;
  }

  // The oldest item; empty when the run was stopped, or when the queue is closed and drained.
  std::optional<T> pop() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, stop_, [&] { return !items_.empty() || closed_; });
    if (stop_.stop_requested() || items_.empty()) return std::nullopt;
    std::optional<T> item(std::move(items_.front()));
    items_.pop_front();
    changed_.notify_all();
    return item;
  }

  // No more items will come.
  void close() {
    const std::lock_guard lock(mutex_);
    closed_ = true;
    changed_.notify_all();
  }

 private:
  bool wait_for_room(std::unique_lock<std::mutex>& lock) {
    changed_.wait(lock, stop_, [&] { return items_.size() < capacity_; });
    return !stop_.stop_requested();
  }

  const std::size_t capacity_;
  const std::stop_token stop_;
  std::mutex mutex_;
  std::condition_variable_any changed_;
  std::deque<T> items_;
  bool closed_ = false;
};

}  // namespace lrq::host
