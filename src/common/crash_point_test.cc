#include "common/crash_point.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

namespace impostor {
namespace {

// Runs `body` in a child process with IMPOSTOR_CRASH_AT = `target` (unset when
// null); returns the child's wait status.
template <typename Body>
int InChild(const char* target, Body body) {
  pid_t pid = fork();
  if (pid == 0) {
    if (target) setenv("IMPOSTOR_CRASH_AT", target, 1);
    else unsetenv("IMPOSTOR_CRASH_AT");
    body();
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

bool Killed(int status) { return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL; }

TEST(CrashPointTest, KillsAtTheNamedPassOnly) {
  int status = InChild("store.upsert.d:2", [] {
    CrashPoint("store.upsert.", "d");  // pass 1: lives
    CrashPoint("store.upsert.", "other");
    CrashPoint("store.upsert.d");  // the same name spelt whole: pass 2
    _exit(3);
  });
  EXPECT_TRUE(Killed(status)) << status;

  status = InChild("store.upsert.d:2", [] {
    CrashPoint("store.upsert.", "d");
    _exit(3);
  });
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 3);
}

TEST(CrashPointTest, UnsetOrOtherNamesNeverKill) {
  for (const char* target : {static_cast<const char*>(nullptr), "", "store.commit", "store.begin:0x"}) {
    int status = InChild(target, [] {
      for (int i = 0; i < 100; ++i) CrashPoint("store.upsert.", "d");
      CrashPoint("store.commi");
      _exit(3);
    });
    ASSERT_TRUE(WIFEXITED(status)) << (target ? target : "(unset)");
    EXPECT_EQ(WEXITSTATUS(status), 3);
  }
}

}  // namespace
}  // namespace impostor
