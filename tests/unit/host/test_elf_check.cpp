#include "elf_check.hpp"

#include <elf.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "library_loader.hpp"
#include "support/temp_dir.hpp"
#include "unit/host/plugin_fixtures.hpp"

namespace lrq::host {
namespace {

namespace fs = std::filesystem;
using test::fixture_plugin;
using test::fixture_plugin_directory;

constexpr std::uint64_t max_u64 = std::numeric_limits<std::uint64_t>::max();

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void write_bytes(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

template <class T>
T get(const std::string& bytes, std::uint64_t offset) {
  T value;
  std::memcpy(&value, bytes.data() + offset, sizeof value);
  return value;
}

template <class T>
void put(std::string& bytes, std::uint64_t offset, const T& value) {
  std::memcpy(bytes.data() + offset, &value, sizeof value);
}

std::string malformed(const std::string& detail) {
  return "truncated or malformed ELF file: " + detail;
}

std::string section(std::size_t index) {
  return "section " + std::to_string(index);
}

// A copy of the good fixture plugin, with accessors for the parts the tests corrupt.
class GoodPlugin {
 public:
  GoodPlugin() : bytes(read_bytes(fixture_plugin("good"))) {}

  Elf64_Ehdr header() const { return get<Elf64_Ehdr>(bytes, 0); }
  void set_header(const Elf64_Ehdr& header) { put(bytes, 0, header); }

  std::uint64_t section_offset(std::size_t index) const {
    return header().e_shoff + index * sizeof(Elf64_Shdr);
  }
  Elf64_Shdr section_header(std::size_t index) const {
    return get<Elf64_Shdr>(bytes, section_offset(index));
  }
  void set_section_header(std::size_t index, const Elf64_Shdr& header) {
    put(bytes, section_offset(index), header);
  }
  std::size_t first_section(std::uint32_t type) const {
    for (std::size_t i = 0; i < header().e_shnum; ++i) {
      if (section_header(i).sh_type == type) return i;
    }
    ADD_FAILURE() << "the good plugin has no section of type " << type;
    return 0;
  }
  std::size_t symtab() const { return first_section(SHT_SYMTAB); }
  std::size_t strtab() const { return section_header(symtab()).sh_link; }

  std::string bytes;
};

class ElfCheck : public ::testing::Test {
 protected:
  std::string check(const std::string& bytes) const {
    write_bytes(file_, bytes);
    return check_elf_file(file_);
  }

  GoodPlugin good_;

 private:
  test::TempDir scratch_;
  fs::path file_ = scratch_.file("liblrq-format-good.so");
};

TEST(ElfCheckPlugins, AcceptsEveryBuiltPlugin) {
  int checked = 0;
  for (const fs::directory_entry& entry : fs::directory_iterator(LRQ_TEST_PLUGIN_DIRECTORY)) {
    if (entry.path().extension() != ".so") continue;
    EXPECT_EQ(check_elf_file(entry.path()), "") << entry.path();
    ++checked;
  }
  EXPECT_GT(checked, 0);
}

TEST(ElfCheckPlugins, AcceptsEveryFixturePluginThatIsAnElfFile) {
  int checked = 0;
  for (const fs::directory_entry& entry : fs::directory_iterator(fixture_plugin_directory)) {
    if (entry.path().extension() != ".so" || entry.path() == fixture_plugin("garbage")) continue;
    EXPECT_EQ(check_elf_file(entry.path()), "") << entry.path();
    ++checked;
  }
  EXPECT_GT(checked, 1);
  const fs::path stripped = fixture_plugin_directory / "stripped" / "liblrq-format-good.so";
  if (fs::exists(stripped)) {
    EXPECT_EQ(check_elf_file(stripped), "");
  }
}

TEST_F(ElfCheck, AcceptsExtendedSectionNumbering) {
  Elf64_Ehdr header = good_.header();
  Elf64_Shdr first = good_.section_header(0);
  first.sh_size = header.e_shnum;
  header.e_shnum = 0;
  good_.set_header(header);
  good_.set_section_header(0, first);
  EXPECT_EQ(check(good_.bytes), "");
}

TEST_F(ElfCheck, IgnoresTheExtentOfANoBitsSection) {
  const std::size_t bss = good_.first_section(SHT_NOBITS);
  Elf64_Shdr header = good_.section_header(bss);
  header.sh_size = max_u64;
  good_.set_section_header(bss, header);
  EXPECT_EQ(check(good_.bytes), "");
}

TEST_F(ElfCheck, RejectsAFileThatIsNotElf) {
  EXPECT_EQ(check_elf_file(fixture_plugin("garbage")), "not an ELF file");
  EXPECT_EQ(check(" " + good_.bytes), "not an ELF file");
}

TEST_F(ElfCheck, RejectsOtherClassesAndByteOrders) {
  std::string bytes = good_.bytes;
  bytes[EI_CLASS] = ELFCLASS32;
  EXPECT_EQ(check(bytes), "not a 64-bit ELF file");
  bytes = good_.bytes;
  bytes[EI_DATA] = ELFDATA2MSB;
  EXPECT_EQ(check(bytes), "not a little-endian ELF file");
}

TEST_F(ElfCheck, RejectsTruncations) {
  const std::size_t size = good_.bytes.size();
  for (const std::size_t kept : {std::size_t{0}, std::size_t{3}, std::size_t{63}}) {
    EXPECT_EQ(check(good_.bytes.substr(0, kept)), malformed("shorter than an ELF header")) << kept;
  }
  for (const std::size_t kept : {std::size_t{64}, std::size_t{1000}, size / 2, size - 1}) {
    EXPECT_EQ(check(good_.bytes.substr(0, kept)),
              malformed("section header table past the end of the file"))
        << kept;
  }
}

TEST_F(ElfCheck, RejectsUnexpectedHeaderSizes) {
  const Elf64_Ehdr original = good_.header();
  Elf64_Ehdr header = original;
  header.e_ehsize = sizeof(Elf32_Ehdr);
  good_.set_header(header);
  EXPECT_EQ(check(good_.bytes), malformed("unexpected ELF header size"));

  header = original;
  header.e_shentsize = sizeof(Elf32_Shdr);
  good_.set_header(header);
  EXPECT_EQ(check(good_.bytes), malformed("unexpected section header size"));
}

TEST_F(ElfCheck, RejectsASectionHeaderTablePastTheEndOfTheFile) {
  const Elf64_Ehdr original = good_.header();
  const std::string past_end = malformed("section header table past the end of the file");
  const auto with = [this, &original](auto edit) {
    Elf64_Ehdr header = original;
    edit(header);
    std::string bytes = good_.bytes;
    put(bytes, 0, header);
    return check(bytes);
  };

  EXPECT_EQ(with([this](Elf64_Ehdr& h) { h.e_shoff = good_.bytes.size(); }), past_end);
  EXPECT_EQ(with([](Elf64_Ehdr& h) { h.e_shoff = max_u64 - 8; }), past_end);
  EXPECT_EQ(with([](Elf64_Ehdr& h) { h.e_shoff += sizeof(Elf64_Shdr); }), past_end);
  EXPECT_EQ(with([](Elf64_Ehdr& h) { h.e_shnum = 0xffff; }), past_end);
  EXPECT_EQ(with([](Elf64_Ehdr& h) { h.e_shoff = 0; }), malformed("no section header table"));
}

TEST_F(ElfCheck, RejectsAnExtendedSectionCountPastTheEndOfTheFile) {
  Elf64_Ehdr header = good_.header();
  header.e_shnum = 0;
  good_.set_header(header);
  Elf64_Shdr first = good_.section_header(0);
  for (const std::uint64_t count : {max_u64, std::uint64_t{1} << 58, std::uint64_t{0x10000}}) {
    first.sh_size = count;
    good_.set_section_header(0, first);
    EXPECT_EQ(check(good_.bytes), malformed("section header table past the end of the file"))
        << count;
  }
  first.sh_size = 0;
  good_.set_section_header(0, first);
  EXPECT_EQ(check(good_.bytes), malformed("no sections"));
}

TEST_F(ElfCheck, RejectsASectionNameTableIndexOutOfRange) {
  const Elf64_Ehdr original = good_.header();
  const auto with_index = [this, &original](std::uint16_t index) {
    Elf64_Ehdr header = original;
    header.e_shstrndx = index;
    std::string bytes = good_.bytes;
    put(bytes, 0, header);
    return check(bytes);
  };
  const std::string out_of_range = malformed("section name string table index out of range");
  EXPECT_EQ(with_index(original.e_shnum), out_of_range);
  EXPECT_EQ(with_index(SHN_XINDEX), out_of_range);
  EXPECT_EQ(with_index(SHN_UNDEF), malformed("no section name string table"));
  EXPECT_EQ(with_index(static_cast<std::uint16_t>(good_.symtab())),
            malformed("section name string table is not a string table"));
}

TEST_F(ElfCheck, RejectsASectionPastTheEndOfTheFile) {
  const std::size_t strtab = good_.strtab();
  const Elf64_Shdr original = good_.section_header(strtab);
  const std::string past_end = malformed(section(strtab) + " past the end of the file");
  const auto with = [&](std::uint64_t offset, std::uint64_t size) {
    Elf64_Shdr header = original;
    header.sh_offset = offset;
    header.sh_size = size;
    std::string bytes = good_.bytes;
    put(bytes, good_.section_offset(strtab), header);
    return check(bytes);
  };
  EXPECT_EQ(with(good_.bytes.size(), 1), past_end);
  EXPECT_EQ(with(original.sh_offset, good_.bytes.size()), past_end);
  EXPECT_EQ(with(original.sh_offset, max_u64), past_end);
  EXPECT_EQ(with(max_u64, original.sh_size), past_end);
}

TEST_F(ElfCheck, RejectsASectionNameOutsideTheNameTable) {
  const Elf64_Shdr names = good_.section_header(good_.header().e_shstrndx);
  Elf64_Shdr header = good_.section_header(1);
  header.sh_name = static_cast<std::uint32_t>(names.sh_size);
  good_.set_section_header(1, header);
  EXPECT_EQ(check(good_.bytes),
            malformed("name of " + section(1) + " outside the section name string table"));
}

TEST_F(ElfCheck, RejectsAStringTableThatIsEmptyOrDoesNotEndInNul) {
  const std::size_t strtab = good_.strtab();
  Elf64_Shdr header = good_.section_header(strtab);
  std::string bytes = good_.bytes;
  bytes[header.sh_offset + header.sh_size - 1] = 'x';
  EXPECT_EQ(check(bytes),
            malformed("string table in " + section(strtab) + " does not end in a NUL byte"));

  header.sh_size = 0;
  good_.set_section_header(strtab, header);
  EXPECT_EQ(check(good_.bytes), malformed("string table in " + section(strtab) + " is empty"));
}

TEST_F(ElfCheck, RejectsAMalformedSymbolTable) {
  const std::size_t symtab = good_.symtab();
  const Elf64_Shdr original = good_.section_header(symtab);
  const std::string table = "symbol table in " + section(symtab);
  const auto with = [&](auto edit) {
    Elf64_Shdr header = original;
    edit(header);
    std::string bytes = good_.bytes;
    put(bytes, good_.section_offset(symtab), header);
    return check(bytes);
  };

  EXPECT_EQ(with([](Elf64_Shdr& h) { h.sh_entsize = sizeof(Elf32_Sym); }),
            malformed(table + " has entries of unexpected size"));
  EXPECT_EQ(with([](Elf64_Shdr& h) { h.sh_size -= 1; }),
            malformed(table + " is not a whole number of entries"));
  EXPECT_EQ(with([](Elf64_Shdr& h) { h.sh_size = 0; }),
            malformed(table + " is not a whole number of entries"));
  EXPECT_EQ(with([](Elf64_Shdr& h) { h.sh_link = 0; }),
            malformed(table + " links to no string table"));
  EXPECT_EQ(with([](Elf64_Shdr& h) { h.sh_link = 0xffff; }),
            malformed(table + " links to no string table"));
}

TEST_F(ElfCheck, RejectsASymbolNameOutsideItsStringTable) {
  for (const std::uint32_t type : {SHT_SYMTAB, SHT_DYNSYM}) {
    GoodPlugin plugin;
    const std::size_t table = plugin.first_section(type);
    const Elf64_Shdr header = plugin.section_header(table);
    const std::uint64_t last = header.sh_size / sizeof(Elf64_Sym) - 1;
    const std::uint64_t offset = header.sh_offset + last * sizeof(Elf64_Sym);
    auto symbol = get<Elf64_Sym>(plugin.bytes, offset);
    symbol.st_name = static_cast<std::uint32_t>(plugin.section_header(header.sh_link).sh_size);
    put(plugin.bytes, offset, symbol);
    EXPECT_EQ(check(plugin.bytes),
              malformed("symbol " + std::to_string(last) + " in " + section(table) +
                        " has a name outside its string table"))
        << type;
  }
}

TEST_F(ElfCheck, RejectionIsTheLoadersReason) {
  test::TempDir scratch;
  const fs::path path = scratch.file("liblrq-format-good.so");
  write_bytes(path, good_.bytes.substr(0, good_.bytes.size() - 1));
  try {
    open_plugin(path);
    FAIL() << "a truncated plugin was loaded";
  } catch (const PluginRejected& rejected) {
    EXPECT_STREQ(rejected.what(),
                 "not a shared library (truncated or malformed ELF file: section header table "
                 "past the end of the file)");
  }
}

// Parts of the good plugin that boost::dll::library_info reads and the dynamic loader does not
// interpret beyond what it validates itself. The ELF header's program header fields (e_phoff,
// e_phentsize, e_phnum), the program headers, .dynsym, .dynstr and code are left alone: dlopen
// trusts them, and corrupting them can crash inside dlopen or the plugin's initialisers, which no
// check of the file can foresee.
struct Region {
  std::uint64_t offset = 0;
  std::uint64_t size = 0;
};
using Target = std::vector<Region>;

std::vector<Target> corruptible_targets(const GoodPlugin& plugin) {
  const Elf64_Ehdr header = plugin.header();
  const auto extent = [&plugin](std::size_t index) {
    const Elf64_Shdr section_header = plugin.section_header(index);
    return Region{section_header.sh_offset, section_header.sh_size};
  };
  const auto between = [](std::size_t begin, std::size_t end) {
    return Region{begin, end - begin};
  };
  return {{between(0, offsetof(Elf64_Ehdr, e_phoff)),
           between(offsetof(Elf64_Ehdr, e_shoff), offsetof(Elf64_Ehdr, e_phentsize)),
           between(offsetof(Elf64_Ehdr, e_shentsize), sizeof(Elf64_Ehdr))},
          {{header.e_shoff, std::uint64_t{header.e_shnum} * sizeof(Elf64_Shdr)}},
          {extent(plugin.symtab()), extent(plugin.strtab()), extent(header.e_shstrndx)}};
}

// Every copy goes through the real loader; a crash in Boost's ELF reader would end the test
// process. Copies that still pass the check are loaded, each under a name of its own so that the
// dynamic loader never takes one for another.
TEST(ElfCheckRobustness, CorruptedCopiesOfTheGoodPluginAreLoadedOrRejected) {
  const GoodPlugin good;
  const std::vector<Target> targets = corruptible_targets(good);
  test::TempDir scratch;
  std::mt19937_64 random(20240607);
  const auto below = [&random](std::uint64_t bound) { return random() % bound; };
  const auto pick_byte = [&below](const Target& target) {
    std::uint64_t total = 0;
    for (const Region& region : target)
      total += region.size;
    std::uint64_t index = below(total);
    for (const Region& region : target) {
      if (index < region.size) return region.offset + index;
      index -= region.size;
    }
    return std::uint64_t{0};
  };

  constexpr int copies = 3000;
  int loaded = 0;
  int rejected_by_check = 0;
  int rejected_later = 0;
  for (int copy = 0; copy < copies; ++copy) {
    std::string bytes = good.bytes;
    const std::uint64_t kind = below(targets.size() + 1);
    if (kind == targets.size()) {
      bytes.resize(below(bytes.size()));
    } else {
      for (std::uint64_t flips = 1 + below(8); flips > 0; --flips) {
        bytes[pick_byte(targets[kind])] ^= static_cast<char>(1 + below(255));
      }
    }
    const fs::path path = scratch.file("copy-" + std::to_string(copy) + ".so");
    write_bytes(path, bytes);
    try {
      open_plugin(path);
      ++loaded;
    } catch (const PluginRejected& rejected) {
      const std::string reason = rejected.what();
      ASSERT_FALSE(reason.empty()) << "copy " << copy;
      if (reason.starts_with("not a shared library (")) {
        ++rejected_by_check;
      } else {
        ++rejected_later;
      }
    }
    fs::remove(path);
  }
  RecordProperty("loaded", loaded);
  RecordProperty("rejected_by_check", rejected_by_check);
  RecordProperty("rejected_later", rejected_later);
  EXPECT_EQ(loaded + rejected_by_check + rejected_later, copies);
  EXPECT_GT(rejected_by_check, copies / 4);
}

}  // namespace
}  // namespace lrq::host
