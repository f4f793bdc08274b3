// Checks that a file is an ELF file that boost::dll::library_info (Boost 1.74) can read safely.
// Boost's ELF reader trusts the offsets, sizes and indices it finds, so a corrupt file can make it
// read outside its buffers and crash the process, which no exception handler can stop.
#pragma once

#include <filesystem>
#include <string>

namespace lrq::host {

// Empty when the file is a 64-bit little-endian ELF file whose section header table, section name
// string table, string tables and symbol tables lie within the file and refer only to what exists,
// so that everything Boost reads stays inside the file and inside what Boost allocates. Otherwise a
// short reason, e.g. "truncated or malformed ELF file: section header table past the end of the
// file". Reads only what it checks; loads and runs nothing.
std::string check_elf_file(const std::filesystem::path& path);

}  // namespace lrq::host
