#include "lrq/comfy_quant.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lrq/error.hpp"

namespace lrq {
namespace {

using namespace std::string_literals;

constexpr std::string_view kKey = "model.blocks.0.linear.comfy_quant";

ComfyQuantConfig config(std::string format, std::optional<std::int64_t> group_size = std::nullopt,
                        bool full_precision_matrix_mult = false, bool per_row = false) {
  ComfyQuantConfig result;
  result.format = std::move(format);
  result.group_size = group_size;
  result.full_precision_matrix_mult = full_precision_matrix_mult;
  result.per_row = per_row;
  return result;
}

std::string format_json(std::string_view format) {
  return config(std::string(format)).to_json();
}

// Parsing `bytes` must fail with an input error naming kKey and every one of `needles`.
::testing::AssertionResult rejects(std::string_view bytes,
                                   std::initializer_list<std::string_view> needles) {
  try {
    ComfyQuantConfig::parse(bytes, kKey);
  } catch (const Error& e) {
    const std::string message = e.what();
    if (e.category() != ErrorCategory::input) {
      return ::testing::AssertionFailure() << "wrong category for: " << message;
    }
    for (const auto needle : needles) {
      if (message.find(needle) == std::string::npos) {
        return ::testing::AssertionFailure() << "message lacks \"" << needle << "\": " << message;
      }
    }
    if (message.find("'" + std::string(kKey) + "'") == std::string::npos) {
      return ::testing::AssertionFailure() << "message does not name the key: " << message;
    }
    // The key is ASCII, so the message must be too: no echoed input bytes that may not be UTF-8.
    for (const char c : message) {
      if (static_cast<unsigned char>(c) >= 0x80) {
        return ::testing::AssertionFailure() << "message echoes non-ASCII input: " << message;
      }
    }
    return ::testing::AssertionSuccess() << message;
  }
  return ::testing::AssertionFailure() << "accepted " << bytes;
}

// --- to_json: the expected strings are Python's json.dumps output for the same dict -----------

TEST(ComfyQuantTest, ToJsonMatchesPythonForEveryFieldCombination) {
  const std::pair<ComfyQuantConfig, std::string_view> cases[] = {
      {config("int8_blockwise"), R"({"format": "int8_blockwise"})"},
      {config("int8_blockwise", std::nullopt, false, true),
       R"({"format": "int8_blockwise", "per_row": true})"},
      {config("int8_blockwise", std::nullopt, true, false),
       R"({"format": "int8_blockwise", "full_precision_matrix_mult": true})"},
      {config("int8_blockwise", std::nullopt, true, true),
       R"({"format": "int8_blockwise", "full_precision_matrix_mult": true, "per_row": true})"},
      {config("int8_blockwise", 128), R"({"format": "int8_blockwise", "group_size": 128})"},
      {config("int8_blockwise", 128, false, true),
       R"({"format": "int8_blockwise", "group_size": 128, "per_row": true})"},
      {config("int8_blockwise", 128, true, false),
       R"({"format": "int8_blockwise", "group_size": 128, "full_precision_matrix_mult": true})"},
      {config("int8_blockwise", 128, true, true),
       R"({"format": "int8_blockwise", "group_size": 128, "full_precision_matrix_mult": true, )"
       R"("per_row": true})"},
  };
  for (const auto& [input, expected] : cases) {
    EXPECT_EQ(input.to_json(), expected);
    const std::vector<std::byte> bytes = input.to_bytes();
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size()), expected);
  }
}

TEST(ComfyQuantTest, ToJsonEscapesCodePointsLikePython) {
  // U+00E4, U+20AC, U+1F600 (4 bytes), U+10000, U+10FFFF, U+FFFF.
  EXPECT_EQ(format_json("x\xC3\xA4\xE2\x82\xAC\xF0\x9F\x98\x80\xF0\x90\x80\x80\xF4\x8F\xBF\xBF"
                        "\xEF\xBF\xBF"),
            R"({"format": "x\u00e4\u20ac\ud83d\ude00\ud800\udc00\udbff\udfff\uffff"})");
}

TEST(ComfyQuantTest, ToJsonEscapesControlsAndQuotesLikePython) {
  std::string every_control;
  for (char c = 0; c < 0x20; ++c)
    every_control += c;
  EXPECT_EQ(format_json(every_control + "\x7F \"\\/~"),
            R"({"format": "\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r)"
            R"(\u000e\u000f\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a)"
            R"(\u001b\u001c\u001d\u001e\u001f\u007f \"\\/~"})");
}

TEST(ComfyQuantTest, ToJsonRefusesAFormatThatIsNotUtf8) {
  const std::pair<std::string_view, const char*> cases[] = {
      {"\xFF", "invalid byte"},      {"\xC0\xAF", "overlong"},
      {"\xED\xA0\x80", "surrogate"}, {"\xF4\x90\x80\x80", "above U+10FFFF"},
      {"int8\xE2\x82", "truncated"}, {"\x80", "lone continuation"},
  };
  for (const auto& [format, what] : cases) {
    SCOPED_TRACE(what);
    try {
      format_json(format);
      ADD_FAILURE() << "accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.category(), ErrorCategory::internal) << e.what();
      EXPECT_NE(std::string(e.what()).find("UTF-8"), std::string::npos) << e.what();
    }
  }
}

// --- parse ----------------------------------------------------------------------------------

TEST(ComfyQuantTest, ParsesValidConfigs) {
  const ComfyQuantConfig plain = ComfyQuantConfig::parse(R"({"format": "float8_e4m3fn"})", kKey);
  EXPECT_EQ(plain.format, "float8_e4m3fn");
  EXPECT_FALSE(plain.group_size);
  EXPECT_FALSE(plain.full_precision_matrix_mult);
  EXPECT_FALSE(plain.per_row);

  const ComfyQuantConfig full = ComfyQuantConfig::parse(
      R"({"format":"int8_blockwise","group_size":64,"full_precision_matrix_mult":true,)"
      R"("per_row":false,"convrot":true,"unknown":[1,{}]})",
      kKey);
  EXPECT_EQ(full.format, "int8_blockwise");
  EXPECT_EQ(full.group_size, 64);
  EXPECT_TRUE(full.full_precision_matrix_mult);
  EXPECT_FALSE(full.per_row);

  EXPECT_EQ(ComfyQuantConfig::parse(R"({"group_size": 1, "format": "a"})", kKey).group_size, 1);
  EXPECT_EQ(ComfyQuantConfig::parse(R"({"format": "a", "group_size": 65536})", kKey).group_size,
            65536);
  EXPECT_TRUE(ComfyQuantConfig::parse(R"({"format": "a", "per_row": true})", kKey).per_row);
  // Escaped code points decode to UTF-8, surrogate pairs included.
  EXPECT_EQ(ComfyQuantConfig::parse(R"({"format": "\u00e4\ud83d\ude00"})", kKey).format,
            "\xC3\xA4\xF0\x9F\x98\x80");
}

TEST(ComfyQuantTest, ParseReadsBackWhatToJsonWrites) {
  const ComfyQuantConfig written =
      config("x\xE2\x82\xAC\xF0\x9F\x98\x80\n\x01", 32, /*full_precision_matrix_mult=*/true,
             /*per_row=*/true);
  const ComfyQuantConfig read = ComfyQuantConfig::parse(written.to_json(), kKey);
  EXPECT_EQ(read.format, written.format);
  EXPECT_EQ(read.group_size, written.group_size);
  EXPECT_TRUE(read.full_precision_matrix_mult);
  EXPECT_TRUE(read.per_row);
}

TEST(ComfyQuantTest, RejectsWhatIsNotAJsonObject) {
  EXPECT_TRUE(rejects("", {"not valid UTF-8 JSON"}));
  EXPECT_TRUE(rejects(R"({"format": "a")", {"not valid UTF-8 JSON"}));
  EXPECT_TRUE(rejects(R"({"format": "a"} x)", {"not valid UTF-8 JSON"}));
  EXPECT_TRUE(rejects(R"(["format", "a"])", {"not an object"}));
  EXPECT_TRUE(rejects(R"("float8_e4m3fn")", {"not an object"}));
  EXPECT_TRUE(rejects("{\"format\": \"int8_blockwise\"}\0"s, {"NUL byte"}));
  EXPECT_TRUE(rejects("{\"format\": \"a\xFF\"}", {"UTF-8"}));
  EXPECT_TRUE(rejects("{\"format\": \"a\xED\xA0\x80\"}", {"UTF-8"}));
  EXPECT_TRUE(rejects("{\"\xFF\": 1}", {"UTF-8"}));
  const std::string long_token = R"({"format": ")" + std::string(100'000, 'a') + R"(\q"})";
  const auto long_rejection = rejects(long_token, {"not valid UTF-8 JSON"});
  EXPECT_TRUE(long_rejection);
  EXPECT_LT(std::string(long_rejection.message()).size(), 1000u);
}

TEST(ComfyQuantTest, RejectsAMissingOrNonStringFormat) {
  EXPECT_TRUE(rejects("{}", {"no string field 'format'"}));
  EXPECT_TRUE(rejects(R"({"group_size": 128})", {"no string field 'format'"}));
  EXPECT_TRUE(rejects(R"({"format": 8})", {"no string field 'format'"}));
  EXPECT_TRUE(rejects(R"({"format": null})", {"no string field 'format'"}));
  EXPECT_TRUE(rejects(R"({"format": ["int8_blockwise"]})", {"no string field 'format'"}));
}

TEST(ComfyQuantTest, RejectsAGroupSizeThatIsNotAPositiveIntegerUpTo65536) {
  EXPECT_TRUE(rejects(R"({"format": "a", "group_size": 1.5})",
                      {"'group_size'", "must be an integer", "1.5"}));
  EXPECT_TRUE(
      rejects(R"({"format": "a", "group_size": 128.0})", {"'group_size'", "must be an integer"}));
  EXPECT_TRUE(rejects(R"({"format": "a", "group_size": "128"})",
                      {"'group_size'", "must be an integer", "string"}));
  EXPECT_TRUE(rejects(R"({"format": "a", "group_size": true})",
                      {"'group_size'", "must be an integer", "true"}));
  EXPECT_TRUE(rejects(R"({"format": "a", "group_size": null})",
                      {"'group_size'", "must be an integer", "null"}));
  EXPECT_TRUE(
      rejects(R"({"format": "a", "group_size": 0})", {"'group_size'", "must be positive", "0"}));
  EXPECT_TRUE(rejects(R"({"format": "a", "group_size": -128})",
                      {"'group_size'", "must be positive", "-128"}));
  EXPECT_TRUE(rejects(R"({"format": "a", "group_size": -9223372036854775808})",
                      {"'group_size'", "must be positive"}));
  EXPECT_TRUE(rejects(R"({"format": "a", "group_size": 65537})",
                      {"'group_size'", "must be at most 65536", "65537"}));
  EXPECT_TRUE(rejects(R"({"format": "a", "group_size": 18446744073709551615})",
                      {"'group_size'", "must be at most 65536", "18446744073709551615"}));
}

TEST(ComfyQuantTest, RejectsFlagsThatAreNotBooleans) {
  for (const char* flag : {"full_precision_matrix_mult", "per_row"}) {
    SCOPED_TRACE(flag);
    const std::string field = "'" + std::string(flag) + "'";
    EXPECT_TRUE(rejects(R"({"format": "a", ")" + std::string(flag) + R"(": 1})",
                        {field, "must be a boolean", "1"}));
    EXPECT_TRUE(rejects(R"({"format": "a", ")" + std::string(flag) + R"(": "true"})",
                        {field, "must be a boolean", "string"}));
    EXPECT_TRUE(rejects(R"({"format": "a", ")" + std::string(flag) + R"(": null})",
                        {field, "must be a boolean", "null"}));
  }
}

// --- loads_in_stock_comfyui -------------------------------------------------------------------

TEST(ComfyQuantTest, RejectsJsonNestedDeeperThan128Levels) {
  // A copy or comparison of it (inspect compares a tensor's config with the metadata's) would
  // recurse once per level.
  const std::string nested = std::string(200'000, '[') + std::string(200'000, ']');
  EXPECT_TRUE(rejects(R"({"format":"nvfp4","x":)" + nested + "}", {"nests deeper than 128"}));
}

TEST(ComfyQuantTest, StockComfyUiKnowsExactlyItsQuantAlgos) {
  for (const char* stock : {"float8_e4m3fn", "float8_e5m2", "nvfp4", "mxfp8", "int8_tensorwise",
                            "convrot_w4a4", "asym_w4a8_int8", "awq_w4a16"}) {
    EXPECT_TRUE(loads_in_stock_comfyui(stock)) << stock;
  }
  for (const char* extended : {"int8_blockwise", "float8_e4m3fn_rowwise", "float8_e4m3fn_blockwise",
                               "", "FLOAT8_E4M3FN", "float8_e4m3fn "}) {
    EXPECT_FALSE(loads_in_stock_comfyui(extended)) << extended;
  }
}

TEST(ComfyQuantTest, SaysWhichComfyUiBuildsLoadAFormat) {
  EXPECT_EQ(comfyui_builds("float8_e4m3fn"), "stock");
  EXPECT_EQ(comfyui_builds("float8_e5m2"), "stock");
  EXPECT_EQ(comfyui_builds("nvfp4"), "stock");
  EXPECT_EQ(comfyui_builds("mxfp8"), "stock, comfy-kitchen with MXFP8");
  EXPECT_EQ(comfyui_builds("int8_blockwise"), "PR #10864 or ComfyUI-QuantOps");
  EXPECT_EQ(comfyui_builds("float8_e4m3fn_rowwise"), "PR #10864 or ComfyUI-QuantOps");
  EXPECT_EQ(comfyui_builds("fp8"), "none known");
}

}  // namespace
}  // namespace lrq
