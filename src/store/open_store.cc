// OpenStore: --db is a SQLite path or a PostgreSQL URL.
#include "store/postgres_store.h"
#include "store/store.h"

namespace impostor {

bool IsPostgresUrl(std::string_view db) {
  return db.rfind("postgresql://", 0) == 0 || db.rfind("postgres://", 0) == 0;
}

Result<std::unique_ptr<Store>> OpenStore(const std::string& path_or_url) {
  if (IsPostgresUrl(path_or_url)) return OpenPostgresStore(path_or_url);
  return OpenSqliteStore(path_or_url);
}

std::string StoreName(const std::string& path_or_url) {
  return IsPostgresUrl(path_or_url) ? RedactPostgresUrl(path_or_url) : path_or_url;
}

}  // namespace impostor
