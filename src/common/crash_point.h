// CrashPoint: a named instant at which the crash-safety tests kill the process
// (src/store/crash_safety_test.sh). When the environment variable IMPOSTOR_CRASH_AT
// names the point, the process sends itself SIGKILL there: no destructor, no
// flush, no rollback, the same as an out-of-memory kill or a power cut for
// everything but the page cache. "NAME:N" kills at the Nth pass of NAME (1-based),
// so "store.upsert:40" dies in the middle of a batch of findings.
//
// Harmless in production: with IMPOSTOR_CRASH_AT unset (or naming no point) a
// pass is one load of a cached flag; the only effect the variable can have is the
// process killing itself, which whoever sets its environment can do anyway.
//
// Thread safety: may be called from any thread.
#ifndef IMPOSTOR_COMMON_CRASH_POINT_H_
#define IMPOSTOR_COMMON_CRASH_POINT_H_

#include <string_view>

namespace impostor {

namespace crash_point_internal {
bool Armed();
void Pass(std::string_view name, std::string_view suffix);
}  // namespace crash_point_internal

// Passes the point `name` + `suffix` (the suffix names an instance, e.g. the
// detector whose state is being saved: "store.save_state." + "persona").
inline void CrashPoint(std::string_view name, std::string_view suffix = {}) {
  if (crash_point_internal::Armed()) crash_point_internal::Pass(name, suffix);
}

}  // namespace impostor

#endif  // IMPOSTOR_COMMON_CRASH_POINT_H_
