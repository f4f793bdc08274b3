#include <unistd.h>

#include <cstdlib>

#include "cli/commands.hpp"

namespace {

// Idle OpenMP threads should sleep: libgomp's default makes them spin for milliseconds after each
// parallel loop, on the cores that the prefetch and writer threads (and, on a shared machine,
// other programs) need, which made conversions on 2 busy cores several times slower. libgomp
// reads OMP_WAIT_POLICY once, when it is loaded, before main(); so without one in the environment
// this sets it and starts the program again. An OMP_WAIT_POLICY of the user's is kept.
void restart_with_sleeping_openmp_threads(char** argv) {
  if (std::getenv("OMP_WAIT_POLICY") != nullptr) return;
  if (setenv("OMP_WAIT_POLICY", "passive", 0) != 0) return;
  execv("/proc/self/exe", argv);  // returns only when it failed: then go on as we are
}

}  // namespace

int main(int argc, char** argv) {
  restart_with_sleeping_openmp_threads(argv);
  return lrq::host::run_cli(argc, argv);
}
