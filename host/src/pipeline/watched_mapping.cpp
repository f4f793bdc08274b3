#include "pipeline/watched_mapping.hpp"

#include <array>
#include <atomic>
#include <cstdint>

namespace lrq::host {
namespace {

// A plain table of atomics, as a signal handler can read it at any moment: a slot is published by
// its `end` (non-zero) and withdrawn by clearing `end` first.
struct Slot {
  std::atomic<bool> taken{false};
  std::atomic<std::uintptr_t> begin{0};
  std::atomic<std::uintptr_t> end{0};
  std::atomic<const char*> file{nullptr};
};

constexpr std::size_t kSlots = 256;
std::array<Slot, kSlots> slots;

std::uintptr_t address_of(const void* pointer) {
  return reinterpret_cast<std::uintptr_t>(pointer);
}

}  // namespace

WatchedMapping::WatchedMapping(std::span<const std::byte> bytes, const std::filesystem::path& file)
    : file_(file.native()) {
  if (bytes.empty()) return;
  for (std::size_t i = 0; i < kSlots; ++i) {
    bool free = false;
    if (!slots[i].taken.compare_exchange_strong(free, true)) continue;
    slots[i].file.store(file_.c_str());
    slots[i].begin.store(address_of(bytes.data()));
    slots[i].end.store(address_of(bytes.data() + bytes.size()), std::memory_order_release);
    slot_ = static_cast<int>(i);
    return;
  }
}

WatchedMapping::~WatchedMapping() {
  if (slot_ < 0) return;
  Slot& slot = slots[static_cast<std::size_t>(slot_)];
  slot.end.store(0);
  slot.taken.store(false, std::memory_order_release);
}

const char* watched_file_at(const void* address) noexcept {
  const std::uintptr_t at = address_of(address);
  for (const Slot& slot : slots) {
    const std::uintptr_t end = slot.end.load(std::memory_order_acquire);
    if (end == 0 || at >= end || at < slot.begin.load()) continue;
    return slot.file.load();
  }
  return nullptr;
}

}  // namespace lrq::host
