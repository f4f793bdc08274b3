#include "lrq/abi.hpp"

namespace lrq {

const char* host_toolchain_fingerprint() noexcept {
  return LRQ_TOOLCHAIN_FINGERPRINT;
}

}  // namespace lrq
