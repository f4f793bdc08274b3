#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "lrq/error.hpp"
#include "lrq/safetensors.hpp"
#include "support/raw_safetensors.hpp"
#include "support/temp_dir.hpp"

namespace {

// When nonzero, fchmod fails with this errno, as on file systems that cannot store a mode.
int fchmod_failure = 0;

}  // namespace

// Interposes libc's fchmod for this whole executable: liblrq_core calls it through the PLT.
extern "C" int fchmod(int fd, mode_t mode) noexcept {
  if (fchmod_failure != 0) {
    errno = fchmod_failure;
    return -1;
  }
  return static_cast<int>(syscall(SYS_fchmod, fd, mode));
}

namespace lrq {
namespace {

// Makes fchmod fail with `error` while it lives.
class FailingFchmod {
 public:
  explicit FailingFchmod(int error) { fchmod_failure = error; }
  FailingFchmod(const FailingFchmod&) = delete;
  FailingFchmod& operator=(const FailingFchmod&) = delete;
  ~FailingFchmod() { fchmod_failure = 0; }
};

namespace fs = std::filesystem;
using test::read_file;
using test::TempDir;

struct TestTensor {
  TensorInfo info;
  std::vector<std::byte> data;
};

// Bytes that differ from tensor to tensor and position to position; BOOL gets only 0 and 1.
TestTensor make_tensor(std::string name, DType dtype, Shape shape, unsigned seed = 1) {
  TestTensor tensor{{std::move(name), dtype, std::move(shape)}, {}};
  tensor.data.resize(tensor.info.bytes());
  for (std::size_t i = 0; i < tensor.data.size(); ++i) {
    const unsigned value = (static_cast<unsigned>(i) * 131u + seed * 17u + 7u) & 0xFFu;
    tensor.data[i] = static_cast<std::byte>(dtype == DType::BOOL ? value & 1u : value);
  }
  return tensor;
}

std::vector<TensorInfo> infos(const std::vector<TestTensor>& tensors) {
  std::vector<TensorInfo> result;
  for (const auto& tensor : tensors)
    result.push_back(tensor.info);
  return result;
}

void write_all(const fs::path& output, const std::vector<TestTensor>& tensors,
               const Metadata& metadata = {}) {
  SafetensorsWriter writer(output, infos(tensors), metadata);
  for (const auto& tensor : tensors)
    writer.write(tensor.info.name, tensor.data);
  writer.commit();
}

// Everything in `dir` but the names in `expected`, e.g. left-over temporary files.
std::vector<std::string> strays(const fs::path& dir, const std::vector<std::string>& expected) {
  std::vector<std::string> found;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (std::find(expected.begin(), expected.end(), name) == expected.end()) {
      found.push_back(name);
    }
  }
  return found;
}

std::vector<TestTensor> every_dtype() {
  std::vector<TestTensor> tensors;
  const DType all[] = {DType::F64,     DType::F32, DType::F16, DType::BF16, DType::F8_E4M3,
                       DType::F8_E5M2, DType::I64, DType::I32, DType::I16,  DType::I8,
                       DType::U64,     DType::U32, DType::U16, DType::U8,   DType::BOOL};
  unsigned seed = 1;
  for (const DType dtype : all) {
    const std::string name(safetensors_name(dtype));
    tensors.push_back(make_tensor("t." + name, dtype, {3, 5}, seed++));
    tensors.push_back(make_tensor("scalar." + name, dtype, {}, seed++));
    tensors.push_back(make_tensor("empty." + name, dtype, {0, 4}, seed++));
  }
  return tensors;
}

template <typename Call>
::testing::AssertionResult raises(Call call, ErrorCategory category,
                                  std::initializer_list<std::string> needles) {
  try {
    call();
  } catch (const Error& e) {
    const std::string message = e.what();
    if (e.category() != category) {
      return ::testing::AssertionFailure() << "wrong category for: " << message;
    }
    for (const auto& needle : needles) {
      if (message.find(needle) == std::string::npos) {
        return ::testing::AssertionFailure() << "message lacks \"" << needle << "\": " << message;
      }
    }
    return ::testing::AssertionSuccess() << message;
  }
  return ::testing::AssertionFailure() << "no lrq::Error";
}

class SafetensorsWriterTest : public ::testing::Test {
 protected:
  TempDir dir_;
  fs::path output_ = dir_.file("out.safetensors");
};

// --- what it writes ---------------------------------------------------------------------------

TEST_F(SafetensorsWriterTest, EveryDtypeReadsBackBitExactlyInPlanOrder) {
  const auto tensors = every_dtype();
  const Metadata metadata{{"zeta", "last?"},
                          {"alpha", "{\"json\": [1, 2]}"},
                          {"escapes", "tab\t newline\n backslash\\ nul\x01"},
                          {"utf8 \xC3\xA4", "\xF0\x9F\x98\x80"}};
  write_all(output_, tensors, metadata);

  SafetensorsReader reader(output_);
  EXPECT_EQ(reader.metadata(), metadata);
  // Zero-length tensors share an offset with their successor; ties are broken by name, so
  // compare as a set of names plus the order of the non-empty ones.
  ASSERT_EQ(reader.entries().size(), tensors.size());
  for (const auto& tensor : tensors) {
    SCOPED_TRACE(tensor.info.name);
    const SafetensorsEntry* entry = reader.find(tensor.info.name);
    ASSERT_NE(entry, nullptr);
    EXPECT_EQ(entry->info.dtype, tensor.info.dtype);
    EXPECT_EQ(entry->info.shape, tensor.info.shape);
    const TensorView view = reader.view(*entry);
    ASSERT_EQ(view.bytes.size(), tensor.data.size());
    EXPECT_TRUE(std::equal(view.bytes.begin(), view.bytes.end(), tensor.data.begin()));
  }
  std::vector<std::string> written_order;
  for (const auto& entry : reader.entries()) {
    if (entry.begin != entry.end) written_order.push_back(entry.info.name);
  }
  std::vector<std::string> planned_order;
  for (const auto& tensor : tensors) {
    if (!tensor.data.empty()) planned_order.push_back(tensor.info.name);
  }
  EXPECT_EQ(written_order, planned_order);
}

TEST_F(SafetensorsWriterTest, HeaderIsCompactPaddedAndContiguous) {
  const std::vector<TestTensor> tensors = {make_tensor("b", DType::F32, {2, 3}),
                                           make_tensor("a", DType::I8, {})};
  write_all(output_, tensors, {{"k", "v"}});
  const std::string bytes = read_file(output_);
  SafetensorsReader reader(output_);
  EXPECT_EQ(reader.header_size() % 8, 0u);
  EXPECT_EQ(reader.file_size(), 8 + reader.header_size() + 25);
  const std::string header = bytes.substr(8, reader.header_size());
  EXPECT_EQ(
      header.rfind(
          R"({"__metadata__":{"k":"v"},"b":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},)"
          R"("a":{"dtype":"I8","shape":[],"data_offsets":[24,25]}})",
          0),
      0u)
      << header;
  EXPECT_EQ(header.find_first_not_of(' ', header.find_last_of('}') + 1), std::string::npos);
}

TEST_F(SafetensorsWriterTest, EmptyMetadataWritesNoMetadataKey) {
  write_all(output_, {make_tensor("w", DType::U8, {3})});
  EXPECT_EQ(read_file(output_).find("__metadata__"), std::string::npos);
  SafetensorsReader reader(output_);
  EXPECT_TRUE(reader.metadata().empty());
  EXPECT_EQ(reader.header_size() % 8, 0u);
}

TEST_F(SafetensorsWriterTest, NoTensorsAtAll) {
  write_all(output_, {});
  EXPECT_EQ(read_file(output_), test::raw_file("{}      "));
  SafetensorsReader reader(output_);
  EXPECT_TRUE(reader.entries().empty());
}

TEST_F(SafetensorsWriterTest, ReplacesAnExistingOutput) {
  test::write_file(output_, "old content");
  write_all(output_, {make_tensor("w", DType::U8, {3})});
  SafetensorsReader reader(output_);
  EXPECT_NE(reader.find("w"), nullptr);
}

TEST_F(SafetensorsWriterTest, PermissionsFollowTheUmask) {
  const mode_t previous = umask(027);
  write_all(output_, {make_tensor("w", DType::U8, {3})});
  umask(previous);
  struct stat status {};
  ASSERT_EQ(stat(output_.c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 0777, 0640u);
}

// vfat and exfat answer EPERM to modes they cannot represent; a USB stick must still work.
TEST_F(SafetensorsWriterTest, PermissionsTheFileSystemCannotStoreAreSkipped) {
  for (const int error : {EPERM, ENOTSUP, EOPNOTSUPP, EROFS}) {
    SCOPED_TRACE(std::strerror(error));
    {
      const FailingFchmod failing(error);
      write_all(output_, {make_tensor("w", DType::U8, {3})});
    }
    SafetensorsReader reader(output_);
    EXPECT_NE(reader.find("w"), nullptr);
    EXPECT_TRUE(strays(dir_.path(), {"out.safetensors"}).empty());
  }
}

TEST_F(SafetensorsWriterTest, OtherPermissionFailuresAreIoErrorsAndLeaveNoFiles) {
  const FailingFchmod failing(EIO);
  EXPECT_TRUE(raises([&] { SafetensorsWriter writer(output_, {}, {}); }, ErrorCategory::io,
                     {output_.string(), "permissions", std::strerror(EIO)}));
  EXPECT_TRUE(strays(dir_.path(), {}).empty());
}

TEST_F(SafetensorsWriterTest, TemporaryFileSitsBesideTheOutput) {
  SafetensorsWriter writer(output_, {}, {});
  EXPECT_EQ(writer.output(), output_);
  EXPECT_EQ(writer.temporary_path().parent_path(), dir_.path());
  EXPECT_EQ(writer.temporary_path().filename().string().rfind("out.safetensors.tmp-", 0), 0u);
  EXPECT_TRUE(fs::exists(writer.temporary_path()));
  EXPECT_FALSE(fs::exists(output_));
  writer.commit();
  EXPECT_FALSE(fs::exists(writer.temporary_path()));
  EXPECT_TRUE(fs::exists(output_));
}

TEST_F(SafetensorsWriterTest, NamesThatAreNotUtf8AreRefused) {
  EXPECT_TRUE(raises(
      [&] {
        SafetensorsWriter writer(output_, {{"bad\xFF", DType::U8, {1}}}, {});
      },
      ErrorCategory::internal, {output_.string(), "UTF-8"}));
  EXPECT_TRUE(raises(
      [&] {
        SafetensorsWriter writer(output_, {}, {{"k", "\xC0\xAF"}});
      },
      ErrorCategory::internal, {output_.string(), "UTF-8"}));
  EXPECT_TRUE(strays(dir_.path(), {}).empty());
}

// Guards against quadratic header handling (nlohmann::ordered_json insertion, the parser
// callback), which took minutes at this size; linear code takes well under a second.
TEST_F(SafetensorsWriterTest, ManyTensorsRoundTripQuickly) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<TestTensor> tensors;
  for (int i = 0; i < 100'000; ++i) {
    tensors.push_back(make_tensor("model.layers." + std::to_string(i) + ".weight", DType::F16, {2},
                                  static_cast<unsigned>(i)));
  }
  write_all(output_, tensors, {{"k", "v"}});
  SafetensorsReader reader(output_);
  ASSERT_EQ(reader.entries().size(), tensors.size());
  for (std::size_t i = 0; i < tensors.size(); i += 9973) {
    EXPECT_EQ(reader.entries()[i].info.name, tensors[i].info.name);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
}

// --- refusing to overwrite the input ----------------------------------------------------------

TEST_F(SafetensorsWriterTest, RefusesToOverwriteItsInput) {
  const fs::path input = dir_.file("in.safetensors");
  const std::string original = test::raw_file("{}");
  test::write_file(input, original);
  const fs::path symlink = dir_.file("symlink.safetensors");
  const fs::path hardlink = dir_.file("hardlink.safetensors");
  fs::create_symlink(input, symlink);
  fs::create_hard_link(input, hardlink);
  for (const fs::path& output : {input, symlink, hardlink, dir_.path() / "." / "in.safetensors"}) {
    SCOPED_TRACE(output.string());
    EXPECT_TRUE(raises([&] { SafetensorsWriter writer(output, {}, {}, input); },
                       ErrorCategory::usage,
                       {output.string(), "refusing to overwrite the input file", input.string()}));
  }
  EXPECT_EQ(read_file(input), original);
  EXPECT_TRUE(strays(dir_.path(), {"in.safetensors", "symlink.safetensors", "hardlink.safetensors"})
                  .empty());
  // A different file is fine, and so is an output that does not exist yet.
  SafetensorsWriter other(output_, {}, {}, input);
  other.commit();
}

// --- misuse -----------------------------------------------------------------------------------

TEST_F(SafetensorsWriterTest, WrongOrderWrongSizeAndExtraTensorsRaise) {
  const auto a = make_tensor("a", DType::F32, {4});
  const auto b = make_tensor("b", DType::F16, {4});
  SafetensorsWriter writer(output_, {a.info, b.info}, {});
  EXPECT_TRUE(raises([&] { writer.write("b", b.data); }, ErrorCategory::internal,
                     {output_.string(), "'b'", "out of order", "'a'"}));
  EXPECT_TRUE(raises([&] { writer.write("a", b.data); }, ErrorCategory::internal,
                     {"'a'", "8 bytes", "16"}));
  writer.write("a", a.data);
  writer.write("b", b.data);
  EXPECT_TRUE(raises([&] { writer.write("c", b.data); }, ErrorCategory::internal,
                     {"'c'", "already written"}));
  writer.commit();
  EXPECT_TRUE(
      raises([&] { writer.write("c", b.data); }, ErrorCategory::internal, {"'c'", "committed"}));
  EXPECT_TRUE(raises([&] { writer.commit(); }, ErrorCategory::internal, {"committed twice"}));
  SafetensorsReader reader(output_);
  EXPECT_EQ(reader.entries().size(), 2u);
}

TEST_F(SafetensorsWriterTest, CommitWithMissingTensorsRaisesAndLeavesNothing) {
  const auto a = make_tensor("a", DType::U8, {4});
  const auto b = make_tensor("b", DType::U8, {4});
  const auto c = make_tensor("c", DType::U8, {4});
  {
    SafetensorsWriter writer(output_, {a.info, b.info, c.info}, {});
    writer.write("a", a.data);
    EXPECT_TRUE(raises([&] { writer.commit(); }, ErrorCategory::internal,
                       {output_.string(), "'b'", "missing"}));
  }
  EXPECT_TRUE(strays(dir_.path(), {}).empty());
}

TEST_F(SafetensorsWriterTest, InvalidPlansRaise) {
  const auto a = make_tensor("a", DType::U8, {4});
  EXPECT_TRUE(raises(
      [&] {
        SafetensorsWriter writer(output_, {a.info, a.info}, {});
      },
      ErrorCategory::internal, {"'a'", "twice"}));
  EXPECT_TRUE(raises(
      [&] {
        SafetensorsWriter writer(output_, {{"", DType::U8, {1}}}, {});
      },
      ErrorCategory::internal, {"invalid tensor name"}));
  EXPECT_TRUE(raises(
      [&] {
        SafetensorsWriter writer(output_, {{"n", DType::U8, {2, -1}}}, {});
      },
      ErrorCategory::internal, {"'n'", "negative"}));
  EXPECT_TRUE(raises(
      [&] {
        SafetensorsWriter writer(output_, {}, {{"k", "1"}, {"k", "2"}});
      },
      ErrorCategory::internal, {"'k'", "twice"}));
  EXPECT_TRUE(strays(dir_.path(), {}).empty());
}

// --- never a partial output -------------------------------------------------------------------

TEST_F(SafetensorsWriterTest, DestructionWithoutCommitRemovesTheTemporaryFile) {
  const auto a = make_tensor("a", DType::U8, {4});
  fs::path temporary;
  {
    SafetensorsWriter writer(output_, {a.info}, {});
    temporary = writer.temporary_path();
    writer.write("a", a.data);
    EXPECT_TRUE(fs::exists(temporary));
  }
  EXPECT_FALSE(fs::exists(temporary));
  EXPECT_FALSE(fs::exists(output_));
  EXPECT_TRUE(strays(dir_.path(), {}).empty());
}

TEST_F(SafetensorsWriterTest, AnExceptionLeavesNoFiles) {
  const auto a = make_tensor("a", DType::U8, {4});
  try {
    SafetensorsWriter writer(output_, {a.info}, {});
    writer.write("b", a.data);
    FAIL() << "wrong name accepted";
  } catch (const Error&) {
  }
  EXPECT_TRUE(strays(dir_.path(), {}).empty());
}

TEST_F(SafetensorsWriterTest, SuccessLeavesOnlyTheOutput) {
  write_all(output_, every_dtype());
  EXPECT_TRUE(strays(dir_.path(), {"out.safetensors"}).empty());
}

TEST_F(SafetensorsWriterTest, MissingOutputDirectoryIsAClearIoError) {
  const fs::path missing = dir_.path() / "no" / "such";
  const fs::path output = missing / "out.safetensors";
  EXPECT_TRUE(raises([&] { SafetensorsWriter writer(output, {}, {}); }, ErrorCategory::io,
                     {output.string(), missing.string(), "does not exist"}));
}

TEST_F(SafetensorsWriterTest, OutputThatIsADirectoryIsRefusedEarly) {
  EXPECT_TRUE(raises([&] { SafetensorsWriter writer(dir_.path(), {}, {}); }, ErrorCategory::usage,
                     {dir_.path().string(), "directory"}));
}

// The child of the full-disk test: a full disk, simulated with the file-size limit, under which
// the kernel fails write() with EFBIG. Exits 0 when the writer behaved, else 1 with the reason.
[[noreturn]] void write_past_the_file_size_limit(const fs::path& dir) {
  const auto die = [](const std::string& why) {
    std::fprintf(stderr, "child: %s\n", why.c_str());
    std::_Exit(1);
  };
  const fs::path output = dir / "full.safetensors";
  const auto big = make_tensor("big", DType::F32, {64, 1024});  // 256 KiB
  signal(SIGXFSZ, SIG_IGN);
  const rlimit limit{64 * 1024, 64 * 1024};
  if (setrlimit(RLIMIT_FSIZE, &limit) != 0) die("setrlimit failed");
  fs::path temporary;
  try {
    SafetensorsWriter writer(output, {big.info}, {});
    temporary = writer.temporary_path();
    writer.write("big", big.data);
    writer.commit();
    die("the write succeeded");
  } catch (const Error& e) {
    const std::string message = e.what();
    if (e.category() != ErrorCategory::io) die("wrong category: " + message);
    if (message.find(output.string()) == std::string::npos) die("no path: " + message);
    if (message.find("write failed") == std::string::npos) die("unclear: " + message);
  }
  if (temporary.empty()) die("the writer was never constructed");
  if (fs::exists(output)) die("the output exists");
  if (fs::exists(temporary)) die("the temporary file remains");
  if (!strays(dir, {}).empty()) die("a stray file remains");
  std::_Exit(0);
}

TEST(SafetensorsWriterDeathTest, FullDiskIsAnIoErrorAndLeavesNoFiles) {
  TempDir dir;
  EXPECT_EXIT(write_past_the_file_size_limit(dir.path()), ::testing::ExitedWithCode(0), "");
  EXPECT_TRUE(strays(dir.path(), {}).empty());
}

// --- compatibility with the reference implementation -----------------------------------------

std::string hex(const std::vector<std::byte>& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text;
  for (const std::byte byte : bytes) {
    text += kDigits[static_cast<unsigned>(byte) >> 4];
    text += kDigits[static_cast<unsigned>(byte) & 0xF];
  }
  return text;
}

std::string run_and_capture(const std::string& command, int& status) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) {
    status = -1;
    return "popen failed";
  }
  std::string output;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe.get()) != nullptr)
    output += buffer;
  status = pclose(pipe.release());
  return output;
}

// Runs `script` with python3 and the argument `argument`; returns its output. Missing modules
// are a failure, not a skip: CI installs them.
std::string run_python(const TempDir& dir, const std::string& script, const fs::path& argument) {
  const fs::path script_path = dir.file("script.py");
  test::write_file(script_path, script);
  int status = 0;
  const std::string output = run_and_capture(
      "python3 '" + script_path.string() + "' '" + argument.string() + "' 2>&1", status);
  EXPECT_TRUE(WIFEXITED(status)) << "python3 did not run: " << output;
  EXPECT_NE(WEXITSTATUS(status), 127) << "python3 is not installed: " << output;
  EXPECT_EQ(WEXITSTATUS(status), 0) << output;
  return output;
}

TEST_F(SafetensorsWriterTest, PythonSafetensorsReadsTheOutput) {
  const std::vector<TestTensor> tensors = {
      make_tensor("model.layer.weight", DType::F32, {3, 4}, 1),
      make_tensor("model.layer.bias", DType::F16, {4}, 2),
      make_tensor("counts", DType::I64, {2, 1, 3}, 3),
      make_tensor("mask", DType::BOOL, {5}, 4),
      make_tensor("scalar", DType::U8, {}, 5),
      make_tensor("nothing", DType::I32, {0, 7}, 6),
      make_tensor("half.bf16", DType::BF16, {2, 2}, 7),
      make_tensor("fp8.weight", DType::F8_E4M3, {2, 8}, 8),
  };
  const Metadata metadata{{"format", "pt"}, {"note", "\xE2\x82\xAC 1"}};
  write_all(output_, tensors, metadata);

  std::ostringstream script;
  script << "import sys\n"
            "try:\n"
            "    import numpy as np\n"
            "    import safetensors\n"
            "    from safetensors import safe_open\n"
            "except ImportError as e:\n"
            "    print('FATAL: python3 lacks a module this test needs (pip install safetensors "
            "numpy):', e)\n"
            "    sys.exit(3)\n"
            "path = sys.argv[1]\n"
            "numpy_dtypes = {'F32': np.float32, 'F16': np.float16, 'I64': np.int64,\n"
            "                'BOOL': np.bool_, 'U8': np.uint8, 'I32': np.int32}\n"
            "expected = [\n";
  for (const auto& tensor : tensors) {
    script << "    ('" << tensor.info.name << "', '" << safetensors_name(tensor.info.dtype)
           << "', [";
    for (const auto dim : tensor.info.shape)
      script << dim << ",";
    script << "], bytes.fromhex('" << hex(tensor.data) << "')),\n";
  }
  script << "]\n"
            "errors = []\n"
            "with safe_open(path, framework='numpy') as f:\n"
            "    if f.metadata() != {'format': 'pt', 'note': '\\u20ac 1'}:\n"
            "        errors.append('metadata %r' % f.metadata())\n"
            "    if sorted(f.keys()) != sorted(e[0] for e in expected):\n"
            "        errors.append('keys %r' % list(f.keys()))\n"
            "    for name, dtype, shape, data in expected:\n"
            "        if dtype not in numpy_dtypes:\n"
            "            continue\n"
            "        a = f.get_tensor(name)\n"
            "        if a.dtype != numpy_dtypes[dtype] or list(a.shape) != shape or "
            "a.tobytes() != data:\n"
            "            errors.append('safe_open %s: %s %r' % (name, a.dtype, a.shape))\n"
            "raw = dict(safetensors.deserialize(open(path, 'rb').read()))\n"
            "for name, dtype, shape, data in expected:\n"
            "    t = raw.get(name)\n"
            "    if t is None or t['dtype'] != dtype or list(t['shape']) != shape or "
            "bytes(t['data']) != data:\n"
            "        errors.append('deserialize %s: %r' % (name, None if t is None else "
            "(t['dtype'], t['shape'])))\n"
            "if errors:\n"
            "    print('\\n'.join(errors))\n"
            "    sys.exit(1)\n"
            "print('ok')\n";
  const std::string output = run_python(dir_, script.str(), output_);
  EXPECT_EQ(output, "ok\n");
}

TEST_F(SafetensorsWriterTest, ReaderReadsWhatPythonSafetensorsWrites) {
  const fs::path input = dir_.file("python.safetensors");
  const std::string output =
      run_python(dir_,
                 "import sys\n"
                 "try:\n"
                 "    import numpy as np\n"
                 "    from safetensors.numpy import save_file\n"
                 "except ImportError as e:\n"
                 "    print('FATAL: python3 lacks a module this test "
                 "needs (pip install safetensors numpy):', e)\n"
                 "    sys.exit(3)\n"
                 "save_file({\n"
                 "    'b.weight': np.arange(12, dtype=np.float32).reshape(3, 4),\n"
                 "    'a.bias': np.arange(4, dtype=np.float16),\n"
                 "    'scalar': np.array(-7, dtype=np.int64),\n"
                 "    'empty': np.zeros((0, 3), dtype=np.uint8),\n"
                 "    'mask': np.array([True, False, True]),\n"
                 "}, sys.argv[1], metadata={'format': 'np', 'z': '1'})\n"
                 "print('ok')\n",
                 input);
  ASSERT_EQ(output, "ok\n");

  SafetensorsReader reader(input);
  EXPECT_EQ(reader.header_size() % 8, 0u);
  Metadata metadata = reader.metadata();  // a Rust HashMap in between: any order
  std::sort(metadata.begin(), metadata.end());
  EXPECT_EQ(metadata, (Metadata{{"format", "np"}, {"z", "1"}}));
  ASSERT_EQ(reader.entries().size(), 5u);
  const auto expect_tensor = [&](const std::string& name, DType dtype, const Shape& shape,
                                 const auto& values) {
    SCOPED_TRACE(name);
    const SafetensorsEntry* entry = reader.find(name);
    ASSERT_NE(entry, nullptr);
    const TensorView view = reader.view(*entry);
    EXPECT_EQ(view.dtype, dtype);
    EXPECT_EQ(view.shape, shape);
    ASSERT_EQ(view.bytes.size(), sizeof(values));
    EXPECT_EQ(std::memcmp(view.bytes.data(), &values, sizeof(values)), 0);
  };
  float floats[12];
  for (int i = 0; i < 12; ++i)
    floats[i] = static_cast<float>(i);
  const std::uint16_t halves[4] = {0x0000, 0x3C00, 0x4000, 0x4200};  // 0, 1, 2, 3
  const std::int64_t scalar = -7;
  const std::uint8_t mask[3] = {1, 0, 1};
  expect_tensor("b.weight", DType::F32, {3, 4}, floats);
  expect_tensor("a.bias", DType::F16, {4}, halves);
  expect_tensor("scalar", DType::I64, {}, scalar);
  expect_tensor("mask", DType::BOOL, {3}, mask);
  const SafetensorsEntry* empty = reader.find("empty");
  ASSERT_NE(empty, nullptr);
  EXPECT_EQ(empty->info.dtype, DType::U8);
  EXPECT_EQ(empty->info.shape, (Shape{0, 3}));
  EXPECT_TRUE(reader.view(*empty).bytes.empty());
}

}  // namespace
}  // namespace lrq
