// Whether a plugin file is built for the machine this host runs on. The dynamic loader refuses one
// built for another architecture with only "cannot open shared object file: No such file or
// directory".
#pragma once

#include <filesystem>
#include <string>

namespace lrq::host {

// Empty when the ELF file at `path`, which check_elf_file accepted, is built for this host's
// machine; otherwise e.g. "built for AArch64, this host runs on x86-64".
std::string foreign_machine(const std::filesystem::path& path);

}  // namespace lrq::host
