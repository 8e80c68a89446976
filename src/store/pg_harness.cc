#include "store/pg_harness.h"

#include <libpq-fe.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#ifndef IMPOSTOR_PG_HARNESS_SCRIPT
#error "IMPOSTOR_PG_HARNESS_SCRIPT must name src/store/pg_harness.sh"
#endif

namespace impostor {

namespace {

std::string ReadLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

bool Exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

std::string Quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

PgTestServer& PgTestServer::Shared() {
  static PgTestServer server;
  return server;
}

PgTestServer::PgTestServer() {
  std::string state;
  if (const char* env = std::getenv("IMPOSTOR_TEST_PG_STATE"); env && *env) {
    state = env;
    if (!Exists(state + "/url") && !Exists(state + "/skip")) {
      skip_reason_ = "the test server (fixture store.PgServerStart) did not start: nothing in " + state;
      return;
    }
  } else {
    own_state_ = "/tmp/impostor-pg-state-" + std::to_string(::getpid());
    state = own_state_;
    const std::string cmd = Quoted(IMPOSTOR_PG_HARNESS_SCRIPT) + " start " + Quoted(state) + " >/dev/null";
    if (std::system(cmd.c_str()) != 0) {
      skip_reason_ = "pg_harness.sh could not start a PostgreSQL server (its message is above)";
      return;
    }
  }
  if (Exists(state + "/skip")) {
    skip_reason_ = ReadLine(state + "/skip");
    return;
  }
  url_ = ReadLine(state + "/url");
  port_ = std::atoi(ReadLine(state + "/port").c_str());
  // postgresql://impostor:PASSWORD@host...
  const size_t colon = url_.find(':', url_.find("://") + 3);
  const size_t at = url_.find('@');
  if (colon != std::string::npos && at != std::string::npos) password_ = url_.substr(colon + 1, at - colon - 1);
}

PgTestServer::~PgTestServer() {
  if (own_state_.empty()) return;
  const std::string cmd = Quoted(IMPOSTOR_PG_HARNESS_SCRIPT) + " stop " + Quoted(own_state_);
  if (std::system(cmd.c_str()) != 0) std::fprintf(stderr, "pg_harness: stopping the test server failed\n");
}

std::string PgTestServer::Url(const std::string& database) const {
  return url_.substr(0, url_.rfind('/') + 1) + database;
}

Result<std::string> PgTestServer::Query(const std::string& database, const std::string& sql) {
  PGconn* conn = PQconnectdb(Url(database).c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(conn);
    PQfinish(conn);
    return Status::IOError("test server: cannot connect to " + database + ": " + msg);
  }
  PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);
  PGresult* r = PQexec(conn, sql.c_str());
  const ExecStatusType st = PQresultStatus(r);
  Result<std::string> out = std::string();
  if (st == PGRES_TUPLES_OK) {
    if (PQntuples(r) > 0) out = std::string(PQgetvalue(r, 0, 0));
  } else if (st != PGRES_COMMAND_OK) {
    out = Status::IOError("test server: " + sql + ": " + PQresultErrorMessage(r));
  }
  PQclear(r);
  PQfinish(conn);
  return out;
}

Status PgTestServer::CreateDatabase(const std::string& name) {
  IMPOSTOR_RETURN_IF_ERROR(DropDatabase(name));
  return Query("postgres", "CREATE DATABASE \"" + name + "\"").status();
}

Status PgTestServer::DropDatabase(const std::string& name) {
  return Query("postgres", "DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)").status();
}

}  // namespace impostor
