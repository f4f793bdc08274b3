#include "lrq/plugin.hpp"
#include "cpu_backend.hpp"

namespace {

void register_cpu_backend(lrq::Registrar& registrar) {
  registrar.add(std::make_unique<lrq::cpu::CpuBackendFactory>());
}

}  // namespace

LRQ_PLUGIN("cpu", "0.1.0", "Host CPU compute backend (OpenMP)", register_cpu_backend)
