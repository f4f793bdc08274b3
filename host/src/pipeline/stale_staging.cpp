#include "pipeline/stale_staging.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <optional>
#include <string>
#include <system_error>

#include "lrq/log.hpp"

namespace lrq::host {
namespace fs = std::filesystem;
namespace {

// The process id of `name` when it is `<prefix><digits>`.
std::optional<pid_t> staging_process(std::string_view name, std::string_view prefix) {
  if (!name.starts_with(prefix) || name.size() == prefix.size()) return std::nullopt;
  const std::string_view digits = name.substr(prefix.size());
  pid_t pid = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), pid);
  if (error != std::errc() || end != digits.data() + digits.size() || pid <= 0) {
    return std::nullopt;
  }
  return pid;
}

// By the process id alone: a process of another PID namespace or host writing into the same
// directory looks gone (see the README).
bool process_is_gone(pid_t pid) {
  if (pid == getpid()) return true;
  return kill(pid, 0) != 0 && errno == ESRCH;
}

}  // namespace

fs::path staging_directory_for(const fs::path& target) {
  return target.parent_path() /
         (target.filename().string() + std::string(kStagingMarker) + std::to_string(getpid()));
}

void remove_stale_staging(const fs::path& target) {
  const fs::path directory = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  const std::string prefix = target.filename().string() + std::string(kStagingMarker);
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(directory, error)) {
    const std::optional<pid_t> pid = staging_process(entry.path().filename().string(), prefix);
    if (!pid || !process_is_gone(*pid)) continue;
    std::error_code removal;
    fs::remove_all(entry.path(), removal);
    if (removal) {
      log(LogLevel::warning, "cannot remove " + entry.path().string() +
                                 ", left behind by an interrupted run: " + removal.message());
    } else {
      log(LogLevel::warning, "removed " + entry.path().string() +
                                 ", left behind by an interrupted run (process " +
                                 std::to_string(*pid) + ")");
    }
  }
}

}  // namespace lrq::host
