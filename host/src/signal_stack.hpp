// An alternate signal stack for the calling thread, so that a handler installed with SA_ONSTACK
// still runs after a stack overflow: on the overflowed stack it could not even be entered.
#pragma once

namespace lrq::host {

// Gives the calling thread an alternate signal stack unless it has one (its own, a sanitizer's or
// one from an earlier call); the stack lives until the thread ends. Cheap after the first call.
void ensure_signal_stack() noexcept;

}  // namespace lrq::host
