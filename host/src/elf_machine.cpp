#include "elf_machine.hpp"

#include <elf.h>

#include <fstream>

// The ELF header of the executable or library that contains this code, which the linker (GNU ld,
// gold, lld) defines.
extern "C" const Elf64_Ehdr __ehdr_start;

namespace lrq::host {

namespace {

std::string machine_name(Elf64_Half machine) {
  switch (machine) {
    case EM_X86_64:
      return "x86-64";
    case EM_AARCH64:
      return "AArch64";
    case EM_PPC64:
      return "ppc64";
    case EM_RISCV:
      return "RISC-V";
    case EM_S390:
      return "s390x";
    default:
      return "ELF machine " + std::to_string(machine);
  }
}

}  // namespace

std::string foreign_machine(const std::filesystem::path& path) {
  Elf64_Ehdr header{};
  std::ifstream file(path, std::ios::binary);
  if (!file.read(reinterpret_cast<char*>(&header), sizeof header)) {
    return "cannot read the ELF header";
  }
  if (header.e_machine == __ehdr_start.e_machine) return {};
  return "built for " + machine_name(header.e_machine) + ", this host runs on " +
         machine_name(__ehdr_start.e_machine);
}

}  // namespace lrq::host
