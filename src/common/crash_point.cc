#include "common/crash_point.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace impostor {
namespace crash_point_internal {
namespace {

struct Target {
  std::string name;   // "" = not armed
  uint64_t pass = 1;  // kill at this pass of `name`
};

const Target& GetTarget() {
  static const Target target = [] {
    Target t;
    const char* env = std::getenv("IMPOSTOR_CRASH_AT");
    if (env == nullptr || *env == '\0') return t;
    t.name = env;
    const size_t colon = t.name.rfind(':');
    if (colon != std::string::npos) {
      t.pass = std::strtoull(t.name.c_str() + colon + 1, nullptr, 10);
      if (t.pass == 0) t.pass = 1;
      t.name.resize(colon);
    }
    return t;
  }();
  return target;
}

std::atomic<uint64_t> passes{0};

}  // namespace

bool Armed() { return !GetTarget().name.empty(); }

void Pass(std::string_view name, std::string_view suffix) {
  const Target& t = GetTarget();
  if (t.name.size() != name.size() + suffix.size() || t.name.compare(0, name.size(), name) != 0 ||
      t.name.compare(name.size(), suffix.size(), suffix) != 0) {
    return;
  }
  if (passes.fetch_add(1) + 1 < t.pass) return;
  // Say where, for the test log; then die without any cleanup.
  static constexpr char kMsg[] = "impostor: IMPOSTOR_CRASH_AT reached, killing the process\n";
  (void)!write(2, kMsg, sizeof(kMsg) - 1);
  kill(getpid(), SIGKILL);
}

}  // namespace crash_point_internal
}  // namespace impostor
