#include "elf_check.hpp"

#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <system_error>
#include <vector>

namespace lrq::host {

namespace {

static_assert(std::endian::native == std::endian::little,
              "ELF fields are read as native integers and only little-endian files are accepted");

std::string errno_text(int error) {
  return std::generic_category().message(error);
}

class ReadOnlyFile {
 public:
  explicit ReadOnlyFile(const std::filesystem::path& path)
      : descriptor_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {}
  ~ReadOnlyFile() {
    if (descriptor_ >= 0) ::close(descriptor_);
  }
  ReadOnlyFile(const ReadOnlyFile&) = delete;
  ReadOnlyFile& operator=(const ReadOnlyFile&) = delete;

  int descriptor() const noexcept { return descriptor_; }

  // Reads exactly `size` bytes at `offset`; false with errno set (0 at the end of the file).
  bool read(std::uint64_t offset, void* buffer, std::size_t size) const {
    auto* bytes = static_cast<std::byte*>(buffer);
    while (size > 0) {
      const ssize_t got = ::pread(descriptor_, bytes, size, static_cast<off_t>(offset));
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) {
        if (got == 0) errno = 0;
        return false;
      }
      bytes += got;
      size -= static_cast<std::size_t>(got);
      offset += static_cast<std::uint64_t>(got);
    }
    return true;
  }

 private:
  int descriptor_;
};

std::string read_failure() {
  // The size was checked beforehand, so an early end means the file shrank while being read.
  return "cannot read the file: " + (errno ? errno_text(errno) : "it changed while being read");
}

std::string malformed(std::string_view detail) {
  return "truncated or malformed ELF file: " + std::string(detail);
}

std::string section(std::size_t index) {
  return "section " + std::to_string(index);
}

// Whether [offset, offset + size) lies within [0, limit), without overflowing.
bool fits(std::uint64_t offset, std::uint64_t size, std::uint64_t limit) {
  return offset <= limit && size <= limit - offset;
}

bool is_symbol_table(const Elf64_Shdr& header) {
  return header.sh_type == SHT_SYMTAB || header.sh_type == SHT_DYNSYM;
}

std::string check_extents(const std::vector<Elf64_Shdr>& sections, std::uint64_t file_size) {
  for (std::size_t i = 0; i < sections.size(); ++i) {
    const Elf64_Shdr& header = sections[i];
    // Section 0 (SHT_NULL) holds the section count in sh_size under extended numbering.
    if (header.sh_type == SHT_NULL || header.sh_type == SHT_NOBITS) continue;
    if (!fits(header.sh_offset, header.sh_size, file_size)) {
      return malformed(section(i) + " past the end of the file");
    }
  }
  return {};
}

// Boost copies each string into a std::string, reading up to the first NUL byte.
std::string check_string_tables(const ReadOnlyFile& file, const std::vector<Elf64_Shdr>& sections) {
  for (std::size_t i = 0; i < sections.size(); ++i) {
    const Elf64_Shdr& header = sections[i];
    if (header.sh_type != SHT_STRTAB) continue;
    if (header.sh_size == 0) return malformed("string table in " + section(i) + " is empty");
    char last = 0;
    if (!file.read(header.sh_offset + header.sh_size - 1, &last, 1)) return read_failure();
    if (last != '\0') {
      return malformed("string table in " + section(i) + " does not end in a NUL byte");
    }
  }
  return {};
}

std::string check_section_names(const std::vector<Elf64_Shdr>& sections, std::size_t names_index) {
  const Elf64_Shdr& names = sections[names_index];
  if (names.sh_type != SHT_STRTAB) {
    return malformed("section name string table is not a string table");
  }
  for (std::size_t i = 0; i < sections.size(); ++i) {
    if (sections[i].sh_name >= names.sh_size) {
      return malformed("name of " + section(i) + " outside the section name string table");
    }
  }
  return {};
}

// Boost reads every string table into one reused std::vector and looks the names of the last
// SHT_SYMTAB up in the last SHT_STRTAB, which in a linker's output is .shstrtab rather than
// .strtab: even for a sound file it reads past that table's size, in bytes left over from the
// larger .strtab read before. The vector never shrinks, so it stays at least as large as the
// largest string table, whose last byte is NUL (check_string_tables). A name offset below the size
// of its own string table therefore lies inside the buffer, and its string ends there.
std::string check_symbol_table(const ReadOnlyFile& file, const std::vector<Elf64_Shdr>& sections,
                               std::size_t index) {
  const Elf64_Shdr& header = sections[index];
  const std::string table = "symbol table in " + section(index);
  if (header.sh_entsize != sizeof(Elf64_Sym)) {
    return malformed(table + " has entries of unexpected size");
  }
  // Boost reads the first entry even of an empty table.
  if (header.sh_size == 0 || header.sh_size % sizeof(Elf64_Sym) != 0) {
    return malformed(table + " is not a whole number of entries");
  }
  if (header.sh_link >= sections.size() || sections[header.sh_link].sh_type != SHT_STRTAB) {
    return malformed(table + " links to no string table");
  }
  const std::uint64_t names_size = sections[header.sh_link].sh_size;

  constexpr std::size_t chunk_entries = 1024;
  std::vector<Elf64_Sym> chunk(chunk_entries);
  const std::uint64_t count = header.sh_size / sizeof(Elf64_Sym);
  for (std::uint64_t first = 0; first < count; first += chunk_entries) {
    const auto entries =
        static_cast<std::size_t>(std::min<std::uint64_t>(chunk_entries, count - first));
    if (!file.read(header.sh_offset + first * sizeof(Elf64_Sym), chunk.data(),
                   entries * sizeof(Elf64_Sym))) {
      return read_failure();
    }
    for (std::size_t i = 0; i < entries; ++i) {
      if (chunk[i].st_name >= names_size) {
        return malformed("symbol " + std::to_string(first + i) + " in " + section(index) +
                         " has a name outside its string table");
      }
    }
  }
  return {};
}

}  // namespace

std::string check_elf_file(const std::filesystem::path& path) {
  const ReadOnlyFile file(path);
  if (file.descriptor() < 0) return "cannot open the file: " + errno_text(errno);
  struct stat status {};
  if (::fstat(file.descriptor(), &status) != 0) return "cannot read the file: " + errno_text(errno);
  if (!S_ISREG(status.st_mode)) return "not a regular file";
  const auto file_size = static_cast<std::uint64_t>(status.st_size);

  Elf64_Ehdr elf{};
  const auto header_bytes =
      static_cast<std::size_t>(std::min<std::uint64_t>(file_size, sizeof elf));
  if (!file.read(0, &elf, header_bytes)) return read_failure();
  if (std::memcmp(elf.e_ident, ELFMAG, std::min<std::size_t>(header_bytes, SELFMAG)) != 0) {
    return "not an ELF file";
  }
  if (header_bytes < sizeof elf) return malformed("shorter than an ELF header");
  if (elf.e_ident[EI_CLASS] != ELFCLASS64) return "not a 64-bit ELF file";
  if (elf.e_ident[EI_DATA] != ELFDATA2LSB) return "not a little-endian ELF file";
  if (elf.e_ehsize != sizeof(Elf64_Ehdr)) return malformed("unexpected ELF header size");
  // Boost steps through the table by sizeof(Elf64_Shdr), whatever e_shentsize says.
  if (elf.e_shentsize != sizeof(Elf64_Shdr)) return malformed("unexpected section header size");
  if (elf.e_shoff == 0) return malformed("no section header table");

  const std::string table_past_end = malformed("section header table past the end of the file");
  if (!fits(elf.e_shoff, sizeof(Elf64_Shdr), file_size)) return table_past_end;
  std::uint64_t count = elf.e_shnum;
  if (count == 0) {
    // Extended numbering: more sections than e_shnum can hold, their count in section 0.
    Elf64_Shdr first{};
    if (!file.read(elf.e_shoff, &first, sizeof first)) return read_failure();
    count = first.sh_size;
    if (count == 0) return malformed("no sections");
  }
  if (count > (file_size - elf.e_shoff) / sizeof(Elf64_Shdr)) return table_past_end;
  std::vector<Elf64_Shdr> sections(static_cast<std::size_t>(count));
  if (!file.read(elf.e_shoff, sections.data(), sections.size() * sizeof(Elf64_Shdr))) {
    return read_failure();
  }

  if (elf.e_shstrndx == SHN_UNDEF) return malformed("no section name string table");
  // Boost reads e_shstrndx as the index itself, without following SHN_XINDEX to section 0.
  if (elf.e_shstrndx >= SHN_LORESERVE || elf.e_shstrndx >= count) {
    return malformed("section name string table index out of range");
  }

  if (std::string reason = check_extents(sections, file_size); !reason.empty()) return reason;
  if (std::string reason = check_string_tables(file, sections); !reason.empty()) return reason;
  if (std::string reason = check_section_names(sections, elf.e_shstrndx); !reason.empty()) {
    return reason;
  }
  for (std::size_t i = 0; i < sections.size(); ++i) {
    if (!is_symbol_table(sections[i])) continue;
    if (std::string reason = check_symbol_table(file, sections, i); !reason.empty()) return reason;
  }
  return {};
}

}  // namespace lrq::host
