// ApiServer: `impostor serve`, the REST API over a store (SQLite or PostgreSQL)
// for a team: findings with filters and cursor paging, account / persona /
// cluster views, detectors, verdicts, cases, tokens and the audit log, plus
// /healthz, /metrics (Prometheus) and /api/v1/openapi.json.
//
// One route table (routes.h) serves dispatch, 404/405, role checks, metrics labels
// and the OpenAPI document, so they cannot disagree. Every request but /healthz
// and the OpenAPI document needs a bearer token (team_store.h); failed attempts
// are rate-limited per client address. Every change is audited with the token's
// name and the client's address.
//
// Safe by default: Start() refuses an address other than loopback unless TLS is
// configured (a certificate and key), and tokens are required even on loopback.
//
// Threads: cpp-httplib runs handlers on a pool of `threads`; each handler borrows
// its own Store from a pool (a store is used from one thread at a time), so reads
// run side by side with each other and, on SQLite (WAL) and PostgreSQL, with a
// scan that writes. A write that waits longer than the store's busy timeout for
// a scan's transaction is answered 503 with Retry-After.
#ifndef IMPOSTOR_SERVE_API_SERVER_H_
#define IMPOSTOR_SERVE_API_SERVER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "detect/detector.h"
#include "store/store.h"

namespace impostor {

struct ServeOptions {
  std::string host = "127.0.0.1";
  int port = 8477;  // 0 = any free port (tests)
  std::string tls_cert;  // PEM files; both or neither
  std::string tls_key;
  int threads = 16;
  size_t max_body_bytes = 64 * 1024;
  // Failed authentications per client address in `auth_window_s` before 429.
  int max_auth_failures = 10;
  int auth_window_s = 60;
  // Detectors listed by GET /api/v1/detectors (the CLI passes the registry's).
  std::vector<DetectorInfo> detectors;
  // Whether the log lines (one per request) go to stderr.
  bool access_log = false;
};

// Opens one more connection to the store (each server thread gets its own).
using StoreOpener = std::function<Result<std::unique_ptr<Store>>()>;

// True for 127.0.0.0/8, ::1 and "localhost".
bool IsLoopbackHost(const std::string& host);

class ApiServer {
 public:
  ApiServer(ServeOptions options, StoreOpener open_store);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Checks the options (TLS on a non-loopback address, readable certificate and
  // key), opens a first store connection and binds the port. Does not serve yet.
  Status Bind();
  // The bound port (after Bind).
  int port() const;
  // Serves until Stop() (from another thread or a signal handler's thread).
  Status Serve();
  void Stop();

  // The OpenAPI 3.1 document of the routes that exist.
  std::string OpenApiJson() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace impostor

#endif  // IMPOSTOR_SERVE_API_SERVER_H_
