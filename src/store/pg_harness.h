// PgTestServer: a real PostgreSQL server for tests, never a mock and never the
// machine's own server. pg_harness.sh runs initdb into a temporary folder and
// starts the server on a free loopback port; this class finds that server, makes
// and drops databases in it and runs SQL outside the store. Test support only:
// nothing in the product calls it.
//
// Under ctest the fixture test store.PgServerStart starts one server for the whole
// run and store.PgServerStop removes it; the environment variable
// IMPOSTOR_TEST_PG_STATE names its state folder. A test binary run by hand starts
// its own server on first use and stops it at exit.
//
// Ownership and thread safety: Shared() is one object per process, made on first
// use; call it from the test's main thread.
#ifndef IMPOSTOR_STORE_PG_HARNESS_H_
#define IMPOSTOR_STORE_PG_HARNESS_H_

#include <string>

#include "common/status.h"

namespace impostor {

class PgTestServer {
 public:
  static PgTestServer& Shared();
  ~PgTestServer();
  PgTestServer(const PgTestServer&) = delete;
  PgTestServer& operator=(const PgTestServer&) = delete;

  // False when no server could be run (no PostgreSQL binaries, root without an
  // unprivileged user); skip_reason() says why and what to do.
  bool available() const { return !url_.empty(); }
  const std::string& skip_reason() const { return skip_reason_; }

  // postgresql://impostor:PASSWORD@127.0.0.1:PORT/DATABASE
  std::string Url(const std::string& database) const;
  const std::string& password() const { return password_; }
  int port() const { return port_; }

  // Creates an empty database (DROP first if a crashed run left one).
  Status CreateDatabase(const std::string& name);
  Status DropDatabase(const std::string& name);
  // Runs `sql` (one or more statements) in `database` on a connection of its own;
  // returns the first column of the first row of the last statement ("" if none).
  Result<std::string> Query(const std::string& database, const std::string& sql);

 private:
  PgTestServer();

  std::string url_;          // of the database "postgres"; "" = unavailable
  std::string password_;
  int port_ = 0;
  std::string skip_reason_;
  std::string own_state_;    // the state folder of a server this process started
};

}  // namespace impostor

#endif  // IMPOSTOR_STORE_PG_HARNESS_H_
