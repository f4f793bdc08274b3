// What every fuzz target shares: libFuzzer's entry point, the rule that only lrq::Error may escape
// a parser, and the fuzz input as a file for the parsers that read one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace lrq::fuzz {

// Runs `parse`: an lrq::Error of a category that blames the input is the expected way to refuse
// it; an internal error aborts (a finding), and any other exception escapes, which libFuzzer
// reports as a crash (std::terminate).
void expect_clean_refusal(void (*parse)(std::span<const std::uint8_t>),
                          std::span<const std::uint8_t> bytes);

// Writes `bytes` to `name` in a directory of this process's own (made on first use, removed at
// exit) and returns its path. `name` must be a plain file name.
std::filesystem::path write_input_file(std::string_view name, std::span<const std::uint8_t> bytes);

std::string_view as_text(std::span<const std::uint8_t> bytes);

}  // namespace lrq::fuzz
