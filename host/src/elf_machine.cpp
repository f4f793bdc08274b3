#include "elf_machine.hpp"

#include <elf.h>

#include <array>
#include <cstring>
#include <fstream>

// The ELF header of the executable or library that contains this code, which the linker (GNU ld,
// gold, lld) defines.
extern "C" const Elf64_Ehdr __ehdr_start;

namespace lrq::host {

namespace {

// What identifies the machine: the same bytes at the same offsets in every ELF class.
struct ElfTarget {
  unsigned char elf_class = ELFCLASSNONE;
  unsigned char byte_order = ELFDATANONE;
  Elf64_Half machine = EM_NONE;

  bool operator==(const ElfTarget&) const = default;
};

constexpr std::size_t kMachineEnd = offsetof(Elf64_Ehdr, e_machine) + sizeof(Elf64_Half);
static_assert(offsetof(Elf32_Ehdr, e_machine) == offsetof(Elf64_Ehdr, e_machine));

ElfTarget host_target() {
  return {__ehdr_start.e_ident[EI_CLASS], __ehdr_start.e_ident[EI_DATA], __ehdr_start.e_machine};
}

std::string machine_name(Elf64_Half machine) {
  switch (machine) {
    case EM_X86_64:
      return "x86-64";
    case EM_386:
      return "i386";
    case EM_AARCH64:
      return "AArch64";
    case EM_ARM:
      return "ARM (32-bit)";
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

// The machine's name, and what sets the file apart when the name alone does not (a 32-bit build
// for a 64-bit machine, a big-endian ppc64).
std::string describe(const ElfTarget& target) {
  std::string text = machine_name(target.machine);
  const bool always_32_bit = target.machine == EM_386 || target.machine == EM_ARM;
  if (target.elf_class == ELFCLASS32 && !always_32_bit) text += " (32-bit)";
  if (target.byte_order == ELFDATA2MSB && target.machine != EM_S390) text += " (big-endian)";
  return text;
}

}  // namespace

std::string foreign_machine(const std::filesystem::path& path) {
  std::array<unsigned char, kMachineEnd> header{};
  std::ifstream file(path, std::ios::binary);
  if (!file.read(reinterpret_cast<char*>(header.data()), header.size())) return {};
  if (std::memcmp(header.data(), ELFMAG, SELFMAG) != 0) return {};
  ElfTarget target{header[EI_CLASS], header[EI_DATA], EM_NONE};
  const unsigned char* machine = header.data() + offsetof(Elf64_Ehdr, e_machine);
  const bool big_endian = target.byte_order == ELFDATA2MSB;
  target.machine = static_cast<Elf64_Half>(big_endian ? (machine[0] << 8) | machine[1]
                                                      : machine[0] | (machine[1] << 8));
  const ElfTarget host = host_target();
  if (target == host) return {};
  return "built for " + describe(target) + ", this host runs on " + describe(host);
}

}  // namespace lrq::host
