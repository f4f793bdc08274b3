#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "lrq/error.hpp"
#include "lrq/safetensors.hpp"
#include "support/raw_safetensors.hpp"
#include "support/temp_dir.hpp"

namespace lrq {
namespace {

using test::raw_file;
using test::raw_file_declaring;
using test::TempDir;
using test::write_file;

std::string_view as_text(std::span<const std::byte> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

class SafetensorsReaderTest : public ::testing::Test {
 protected:
  std::filesystem::path file(std::string_view bytes) {
    const auto path = dir_.file("model.safetensors");
    write_file(path, bytes);
    return path;
  }

  // Reading `bytes` must fail with an input error naming the file and every one of `needles`.
  ::testing::AssertionResult rejects(std::string_view bytes,
                                     std::initializer_list<std::string_view> needles) {
    const auto path = file(bytes);
    try {
      SafetensorsReader reader(path);
    } catch (const Error& e) {
      const std::string message = e.what();
      if (e.category() != ErrorCategory::input) {
        return ::testing::AssertionFailure() << "wrong category for: " << message;
      }
      if (message.find(path.string()) != 0) {
        return ::testing::AssertionFailure() << "message does not start with the path: " << message;
      }
      for (const auto needle : needles) {
        if (message.find(needle) == std::string::npos) {
          return ::testing::AssertionFailure() << "message lacks \"" << needle << "\": " << message;
        }
      }
      return ::testing::AssertionSuccess() << message;
    }
    return ::testing::AssertionFailure() << "accepted a malformed file";
  }

  TempDir dir_;
};

// --- well-formed files ------------------------------------------------------------------------

TEST_F(SafetensorsReaderTest, EntriesComeInDataOrderWhateverTheHeaderOrder) {
  const auto path = file(raw_file(R"({"c":{"dtype":"U8","shape":[2],"data_offsets":[4,6]},)"
                                  R"("a":{"dtype":"F16","shape":[1],"data_offsets":[6,8]},)"
                                  R"("b":{"dtype":"I16","shape":[2],"data_offsets":[0,4]}})",
                                  "BBBBCCAA"));
  SafetensorsReader reader(path);
  ASSERT_EQ(reader.entries().size(), 3u);
  EXPECT_EQ(reader.entries()[0].info.name, "b");
  EXPECT_EQ(reader.entries()[1].info.name, "c");
  EXPECT_EQ(reader.entries()[2].info.name, "a");
  EXPECT_EQ(as_text(reader.view(reader.entries()[0]).bytes), "BBBB");
  EXPECT_EQ(as_text(reader.view(reader.entries()[1]).bytes), "CC");
  EXPECT_EQ(as_text(reader.view(reader.entries()[2]).bytes), "AA");
  EXPECT_EQ(reader.entries()[2].info.dtype, DType::F16);
  EXPECT_EQ(reader.entries()[1].info.shape, Shape{2});
}

TEST_F(SafetensorsReaderTest, TiesInDataOffsetAreOrderedByName) {
  const auto path = file(raw_file(R"({"z":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},)"
                                  R"("y":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},)"
                                  R"("x":{"dtype":"I8","shape":[0,5],"data_offsets":[0,0]}})",
                                  "Q"));
  SafetensorsReader reader(path);
  ASSERT_EQ(reader.entries().size(), 3u);
  EXPECT_EQ(reader.entries()[0].info.name, "x");
  EXPECT_EQ(reader.entries()[1].info.name, "y");
  EXPECT_EQ(reader.entries()[2].info.name, "z");
  EXPECT_TRUE(reader.view(reader.entries()[0]).bytes.empty());
}

TEST_F(SafetensorsReaderTest, MetadataKeepsHeaderOrder) {
  const auto path = file(raw_file(R"({"t":{"dtype":"U8","shape":[],"data_offsets":[0,1]},)"
                                  R"("__metadata__":{"zeta":"1","alpha":"2","mid":""}})",
                                  "x"));
  SafetensorsReader reader(path);
  const Metadata expected{{"zeta", "1"}, {"alpha", "2"}, {"mid", ""}};
  EXPECT_EQ(reader.metadata(), expected);
  ASSERT_EQ(reader.entries().size(), 1u);
  EXPECT_TRUE(reader.entries()[0].info.shape.empty());
}

TEST_F(SafetensorsReaderTest, AcceptsEmptyHeaderObjectAndEmptyMetadata) {
  {
    SafetensorsReader reader(file(raw_file("{}")));
    EXPECT_TRUE(reader.entries().empty());
    EXPECT_TRUE(reader.metadata().empty());
    EXPECT_EQ(reader.header_size(), 2u);
    EXPECT_EQ(reader.file_size(), 10u);
  }
  SafetensorsReader reader(file(raw_file(R"({"__metadata__":{}}   )")));
  EXPECT_TRUE(reader.entries().empty());
  EXPECT_TRUE(reader.metadata().empty());
}

TEST_F(SafetensorsReaderTest, AcceptsGapsAndTrailingBytes) {
  const auto path = file(raw_file(R"({"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},)"
                                  R"("b":{"dtype":"U8","shape":[2],"data_offsets":[4,6]}})",
                                  "AA..BB.."));
  SafetensorsReader reader(path);
  EXPECT_EQ(as_text(reader.view(*reader.find("b")).bytes), "BB");
}

TEST_F(SafetensorsReaderTest, ReleasedTensorsReadTheSameAgainAndTheFileIsUntouched) {
  // Several pages per tensor, so that release() really drops whole pages of the mapping.
  std::string data;
  for (int i = 0; i < 3 * 65536; ++i)
    data.push_back(static_cast<char>('a' + i % 26));
  const auto path = file(raw_file(R"({"a":{"dtype":"U8","shape":[65536],"data_offsets":[0,65536]},)"
                                  R"("b":{"dtype":"U8","shape":[131072],)"
                                  R"("data_offsets":[65536,196608]}})",
                                  data));
  const std::string before = test::read_file(path);
  const SafetensorsReader reader(path);
  for (const SafetensorsEntry& entry : reader.entries()) {
    const std::string first_read(as_text(reader.view(entry).bytes));
    reader.release(entry);
    EXPECT_EQ(as_text(reader.view(entry).bytes), first_read) << entry.info.name;
  }
  EXPECT_EQ(as_text(reader.view(*reader.find("b")).bytes), data.substr(65536));
  EXPECT_EQ(test::read_file(path), before);
}

TEST_F(SafetensorsReaderTest, AcceptsMultibyteUtf8Names) {
  const std::string name = "w\xC3\xA4\xE2\x82\xAC\xF0\x9F\x98\x80";  // wä€😀
  const auto path =
      file(raw_file(R"({")" + name + R"(":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}})", "x"));
  SafetensorsReader reader(path);
  ASSERT_NE(reader.find(name), nullptr);
}

TEST_F(SafetensorsReaderTest, FindAndViewAndMove) {
  const auto path =
      file(raw_file(R"({"w":{"dtype":"BF16","shape":[2,2],"data_offsets":[0,8]}})", "01234567"));
  SafetensorsReader reader(path);
  EXPECT_EQ(reader.path(), path);
  EXPECT_EQ(reader.find("missing"), nullptr);
  const SafetensorsEntry* entry = reader.find("w");
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->begin, 0u);
  EXPECT_EQ(entry->end, 8u);

  SafetensorsReader moved(std::move(reader));
  const TensorView view = moved.view(*moved.find("w"));
  EXPECT_EQ(view.dtype, DType::BF16);
  EXPECT_EQ(view.shape, (Shape{2, 2}));
  EXPECT_EQ(as_text(view.bytes), "01234567");
}

TEST_F(SafetensorsReaderTest, MissingFileIsAnInputErrorNamingIt) {
  const auto path = dir_.file("nope.safetensors");
  try {
    SafetensorsReader reader(path);
    FAIL() << "opened a missing file";
  } catch (const Error& e) {
    EXPECT_EQ(e.category(), ErrorCategory::input);
    EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
  }
}

TEST_F(SafetensorsReaderTest, RejectsADirectory) {
  try {
    SafetensorsReader reader(dir_.path());
    FAIL() << "opened a directory";
  } catch (const Error& e) {
    EXPECT_EQ(e.category(), ErrorCategory::input);
    EXPECT_NE(std::string(e.what()).find(dir_.path().string()), std::string::npos);
  }
}

// --- truncated files --------------------------------------------------------------------------

TEST_F(SafetensorsReaderTest, RejectsFileShorterThanTheLengthPrefix) {
  EXPECT_TRUE(rejects("", {"0 bytes", "header length"}));
  EXPECT_TRUE(rejects(std::string("\x02\0\0\0\0", 5), {"5 bytes", "header length"}));
}

TEST_F(SafetensorsReaderTest, RejectsZeroHeaderLength) {
  EXPECT_TRUE(rejects(raw_file("", "{}"), {"header length is 0"}));
}

TEST_F(SafetensorsReaderTest, RejectsHeaderPastTheEndOfTheFile) {
  EXPECT_TRUE(rejects(raw_file_declaring(3, "{}"), {"header length 3", "past the end"}));
}

TEST_F(SafetensorsReaderTest, RejectsDataSectionShorterThanATensor) {
  EXPECT_TRUE(
      rejects(raw_file(R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", "short"),
              {"'w'", "data_offsets", "end 16", "5 bytes"}));
}

// --- the header as a whole --------------------------------------------------------------------

TEST_F(SafetensorsReaderTest, RejectsHeaderLongerThanTheLimit) {
  EXPECT_TRUE(
      rejects(raw_file_declaring(kMaxSafetensorsHeaderBytes + 1, "{}"), {"100000001", "limit"}));
  EXPECT_TRUE(rejects(raw_file_declaring(~std::uint64_t{0}, "{}"), {"limit"}));
}

TEST_F(SafetensorsReaderTest, RejectsHeaderThatIsNotUtf8) {
  const std::pair<const char*, const char*> cases[] = {
      {"\xFF", "invalid byte"},
      {"\xC0\xAF", "overlong 2-byte"},
      {"\xE0\x80\xAF", "overlong 3-byte"},
      {"\xF0\x80\x80\xAF", "overlong 4-byte"},
      {"\xED\xA0\x80", "surrogate"},
      {"\xF4\x90\x80\x80", "above U+10FFFF"},
      {"\xE2\x82", "truncated sequence"},
      {"\x80", "lone continuation"},
  };
  for (const auto& [bytes, what] : cases) {
    SCOPED_TRACE(what);
    EXPECT_TRUE(rejects(raw_file(std::string(R"({"__metadata__":{"k":")") + bytes + R"("}})"),
                        {"header", "UTF-8"}));
  }
}

TEST_F(SafetensorsReaderTest, RejectsHeaderThatIsNotJson) {
  EXPECT_TRUE(rejects(raw_file(R"({"w":)"), {"header", "not valid JSON"}));
  EXPECT_TRUE(rejects(raw_file(R"({} {})"), {"header", "not valid JSON"}));
  EXPECT_TRUE(rejects(raw_file(R"({/*c*/})"), {"header", "not valid JSON"}));
}

// nlohmann would skip it; Python's safetensors rejects it, so other tools could not read the file.
TEST_F(SafetensorsReaderTest, RejectsAByteOrderMark) {
  EXPECT_TRUE(rejects(raw_file("\xEF\xBB\xBF{}"), {"header", "byte order mark"}));
  EXPECT_TRUE(rejects(raw_file("\xEF\xBB\xBF"
                               R"({"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}})",
                               "a"),
                      {"header", "byte order mark"}));
  EXPECT_TRUE(rejects(raw_file(" \xEF\xBB\xBF{}"), {"header", "not valid JSON"}));
}

TEST_F(SafetensorsReaderTest, RejectsDeepNestingAndSurvivesHugeTokens) {
  const auto nested = [](std::size_t depth) {
    return std::string(depth, '[') + std::string(depth, ']');
  };
  // Deep enough to overflow the stack if nlohmann ever copied it.
  EXPECT_TRUE(rejects(raw_file(nested(1'000'000)), {"header", "nests deeper than 128"}));
  EXPECT_TRUE(rejects(
      raw_file(R"({"w":{"dtype":"U8","shape":)" + nested(1'000'000) + R"(,"data_offsets":[0,0]}})"),
      {"header", "nests deeper"}));
  // Within the limit, the error excerpt stays short.
  EXPECT_TRUE(
      rejects(raw_file(R"({"w":{"dtype":"U8","shape":[1],"data_offsets":)" + nested(100) + "}}"),
              {"'w'", "data_offsets", "[[...]]"}));
  EXPECT_TRUE(rejects(raw_file(R"({"__metadata__":{"k":)" + nested(100) + "}}"), {"'k'", "array"}));
  const std::string huge_token = "\"" + std::string(1'000'000, 'a') + "\\q\"";
  const auto path = file(raw_file("{" + huge_token + ":1}"));
  try {
    SafetensorsReader reader(path);
    FAIL() << "accepted a bad escape";
  } catch (const Error& e) {
    EXPECT_LT(std::string(e.what()).size(), 1000u);
  }
}

TEST_F(SafetensorsReaderTest, RejectsHeaderThatIsNotAnObject) {
  EXPECT_TRUE(rejects(raw_file("[]"), {"header", "must be an object", "array"}));
  EXPECT_TRUE(rejects(raw_file("42"), {"header", "must be an object", "number"}));
}

TEST_F(SafetensorsReaderTest, RejectsDuplicateKeys) {
  EXPECT_TRUE(rejects(raw_file(R"({"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},)"
                               R"("w":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}})",
                               "ab"),
                      {"duplicate key", "'w'"}));
  EXPECT_TRUE(rejects(
      raw_file(R"({"w":{"dtype":"U8","dtype":"I8","shape":[1],"data_offsets":[0,1]}})", "a"),
      {"duplicate key", "'dtype'", "'w'"}));
  EXPECT_TRUE(rejects(raw_file(R"({"__metadata__":{"k":"1","k":"2"}})"),
                      {"duplicate key", "'k'", "__metadata__"}));
}

TEST_F(SafetensorsReaderTest, RejectsMetadataThatIsNotAStringMap) {
  EXPECT_TRUE(rejects(raw_file(R"({"__metadata__":["a"]})"), {"__metadata__", "object"}));
  EXPECT_TRUE(rejects(raw_file(R"({"__metadata__":"x"})"), {"__metadata__", "object"}));
  EXPECT_TRUE(rejects(raw_file(R"({"__metadata__":{"ok":"1","n":1}})"), {"__metadata__", "'n'"}));
  EXPECT_TRUE(rejects(raw_file(R"({"__metadata__":{"o":{"a":"b"}}})"), {"__metadata__", "'o'"}));
}

// --- tensor entries ---------------------------------------------------------------------------

TEST_F(SafetensorsReaderTest, RejectsEmptyTensorName) {
  EXPECT_TRUE(rejects(raw_file(R"({"":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}})", "a"),
                      {"empty name"}));
}

TEST_F(SafetensorsReaderTest, RejectsEntryOfTheWrongForm) {
  EXPECT_TRUE(rejects(raw_file(R"({"w":[1,2]})"), {"'w'", "object"}));
  EXPECT_TRUE(rejects(raw_file(R"({"w":{"dtype":"U8","shape":[1]}})", "a"),
                      {"'w'", "missing", "data_offsets"}));
  EXPECT_TRUE(rejects(raw_file(R"({"w":{"dtype":"U8","data_offsets":[0,1]}})", "a"),
                      {"'w'", "missing", "shape"}));
  EXPECT_TRUE(rejects(raw_file(R"({"w":{"shape":[1],"data_offsets":[0,1]}})", "a"),
                      {"'w'", "missing", "dtype"}));
  EXPECT_TRUE(
      rejects(raw_file(R"({"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1],"x":1}})", "a"),
              {"'w'", "unexpected field", "'x'"}));
}

TEST_F(SafetensorsReaderTest, RejectsUnknownDtype) {
  EXPECT_TRUE(rejects(raw_file(R"({"w":{"dtype":"F4","shape":[2],"data_offsets":[0,1]}})", "a"),
                      {"'w'", "unknown dtype", "'F4'"}));
  EXPECT_TRUE(rejects(raw_file(R"({"w":{"dtype":"f32","shape":[1],"data_offsets":[0,4]}})", "abcd"),
                      {"'w'", "unknown dtype", "'f32'"}));
  EXPECT_TRUE(rejects(raw_file(R"({"w":{"dtype":4,"shape":[1],"data_offsets":[0,4]}})", "abcd"),
                      {"'w'", "dtype", "string"}));
}

TEST_F(SafetensorsReaderTest, RejectsShapeThatDoesNotMatchTheByteCount) {
  EXPECT_TRUE(rejects(raw_file(R"({"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,20]}})",
                               std::string(20, 'x')),
                      {"'w'", "20 bytes", "need 24"}));
  EXPECT_TRUE(rejects(raw_file(R"({"s":{"dtype":"F64","shape":[],"data_offsets":[0,4]}})", "abcd"),
                      {"'s'", "4 bytes", "need 8"}));
}

TEST_F(SafetensorsReaderTest, RejectsNegativeOrNonIntegerShape) {
  const char* shapes[] = {"[-1]",
                          "[2,-3]",
                          "[2.0]",
                          "[1.5]",
                          "[\"2\"]",
                          "[null]",
                          "[[2]]",
                          "[true]",
                          "{}",
                          "\"[2]\"",
                          "[9223372036854775808]"};
  for (const char* shape : shapes) {
    SCOPED_TRACE(shape);
    EXPECT_TRUE(rejects(raw_file(std::string(R"({"w":{"dtype":"U8","shape":)") + shape +
                                 R"(,"data_offsets":[0,2]}})"),
                        {"'w'", "shape"}));
  }
}

TEST_F(SafetensorsReaderTest, RejectsShapeWhoseSizeOverflows) {
  EXPECT_TRUE(rejects(raw_file(R"({"w":{"dtype":"U8","shape":[4294967296,4294967296],)"
                               R"("data_offsets":[0,0]}})"),
                      {"'w'", "shape", "overflows"}));
  EXPECT_TRUE(rejects(raw_file(R"({"w":{"dtype":"F64","shape":[4611686018427387904],)"
                               R"("data_offsets":[0,0]}})"),
                      {"'w'", "shape", "overflows"}));
  // A zero dimension makes the product 0, whatever the other dimensions are.
  SafetensorsReader reader(file(
      raw_file(R"({"w":{"dtype":"U8","shape":[0,9223372036854775807],"data_offsets":[0,0]}})")));
  EXPECT_EQ(reader.entries().size(), 1u);
}

TEST_F(SafetensorsReaderTest, RejectsBadDataOffsets) {
  const std::pair<const char*, const char*> cases[] = {
      {"[0]", "2 integers"},        {"[0,1,1]", "2 integers"},  {"[]", "2 integers"},
      {"{\"a\":0}", "2 integers"},  {"\"0,1\"", "2 integers"},  {"[1,0]", "after end"},
      {"[0,1.0]", "non-negative"},  {"[-1,0]", "non-negative"}, {"[0,\"1\"]", "non-negative"},
      {"[null,1]", "non-negative"},
  };
  for (const auto& [offsets, what] : cases) {
    SCOPED_TRACE(offsets);
    EXPECT_TRUE(rejects(
        raw_file(std::string(R"({"w":{"dtype":"U8","shape":[1],"data_offsets":)") + offsets + "}}",
                 "ab"),
        {"'w'", "data_offsets", what}));
  }
}

TEST_F(SafetensorsReaderTest, RejectsOffsetsBeyondTheDataSection) {
  EXPECT_TRUE(rejects(raw_file(R"({"w":{"dtype":"U8","shape":[2],"data_offsets":[3,5]}})", "abcd"),
                      {"'w'", "data_offsets", "end 5", "4 bytes"}));
  EXPECT_TRUE(rejects(raw_file(R"({"w":{"dtype":"U8","shape":[0],)"
                               R"("data_offsets":[18446744073709551615,18446744073709551615]}})",
                               "abcd"),
                      {"'w'", "data_offsets", "past the end"}));
}

TEST_F(SafetensorsReaderTest, RejectsOverlappingTensors) {
  EXPECT_TRUE(rejects(raw_file(R"({"a":{"dtype":"U8","shape":[8],"data_offsets":[0,8]},)"
                               R"("b":{"dtype":"U8","shape":[8],"data_offsets":[4,12]}})",
                               std::string(12, 'x')),
                      {"'a'", "'b'", "overlaps"}));
  EXPECT_TRUE(rejects(raw_file(R"({"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},)"
                               R"("b":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}})",
                               std::string(4, 'x')),
                      {"'a'", "'b'", "overlaps"}));
  // A tensor nested inside a long one, after a short one that starts in it too.
  EXPECT_TRUE(rejects(raw_file(R"({"long":{"dtype":"U8","shape":[10],"data_offsets":[0,10]},)"
                               R"("mid":{"dtype":"U8","shape":[1],"data_offsets":[2,3]},)"
                               R"("late":{"dtype":"U8","shape":[2],"data_offsets":[6,8]}})",
                               std::string(10, 'x')),
                      {"'long'", "'mid'", "overlaps"}));
}

TEST_F(SafetensorsReaderTest, ZeroLengthTensorsNeverOverlap) {
  SafetensorsReader reader(file(raw_file(R"({"a":{"dtype":"U8","shape":[8],"data_offsets":[0,8]},)"
                                         R"("e":{"dtype":"F32","shape":[0],"data_offsets":[4,4]},)"
                                         R"("f":{"dtype":"I8","shape":[0],"data_offsets":[4,4]}})",
                                         std::string(8, 'x'))));
  ASSERT_EQ(reader.entries().size(), 3u);
  EXPECT_EQ(reader.entries()[0].info.name, "a");
  EXPECT_EQ(reader.entries()[1].info.name, "e");
}

}  // namespace
}  // namespace lrq
