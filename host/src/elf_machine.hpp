// Whether a plugin file is built for the machine this host runs on. The dynamic loader refuses one
// built for another architecture with only "cannot open shared object file: No such file or
// directory", and the other checks of the file would call a 32-bit or big-endian one "not a
// shared library": so this check comes first.
#pragma once

#include <filesystem>
#include <string>

namespace lrq::host {

// Empty when the file at `path` is built for this host's machine, ELF class and byte order, or is
// not an ELF file at all (check_elf_file says why); otherwise e.g. "built for AArch64, this host
// runs on x86-64" or "built for i386, this host runs on x86-64".
std::string foreign_machine(const std::filesystem::path& path);

}  // namespace lrq::host
