// PostgreSQL implementation of Store (libpq), for a team whose scans, analysts and
// tools share one server. It behaves as the SQLite store does, method for method:
// the same tables and columns (PostgreSQL types: BIGINT for integers and ms times,
// DOUBLE PRECISION for confidences, BYTEA for blobs, TEXT COLLATE "C" so that text
// sorts and compares byte by byte as in SQLite), the same numbered migrations in
// `schema_version`, and the same transaction nesting (only the outermost
// Begin/Commit is a server transaction; a Rollback inside dooms it). A write
// transaction takes the store's writer lock (an advisory lock of the database), as
// SQLite's BEGIN IMMEDIATE does, so two scans into one store queue rather than
// interleave; it waits up to 5 s, then fails saying so.
//
// Every value travels as a bound parameter (prepared statements, binary format);
// no SQL is built from data.
//
// Errors name the server as postgresql://USER@HOST:PORT/DATABASE, never with the
// password. A server that cannot be reached or goes away is an IOError that says
// so; the store does not reconnect by itself (a transaction cannot survive a lost
// connection, so the caller reruns the step).
//
// Ownership and thread safety: the Store owns its connection; use it from one
// thread at a time (as every Store). Any number of processes may open the same
// database.
#ifndef IMPOSTOR_STORE_POSTGRES_STORE_H_
#define IMPOSTOR_STORE_POSTGRES_STORE_H_

#include <memory>
#include <string>

#include "common/status.h"
#include "store/store.h"

namespace impostor {

// Opens the store in the database that `url` names (postgresql://… or
// postgres://…, libpq's URI syntax: user, password, host, port, database and
// query parameters such as sslmode). The database must exist; its tables are
// created or migrated on open. A password may come from the URL, PGPASSWORD or
// ~/.pgpass. Waits up to 10 s to connect unless the URL sets connect_timeout.
Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& url);

// The URL without its password and query parameters, as errors show it:
// "postgresql://alice@db.example:5432/impostor".
std::string RedactPostgresUrl(const std::string& url);

}  // namespace impostor

#endif  // IMPOSTOR_STORE_POSTGRES_STORE_H_
