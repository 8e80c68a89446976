// OpenStore: --db is a SQLite path or a PostgreSQL URL.
#include <unistd.h>

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

Result<std::unique_ptr<Store>> OpenExistingStore(const std::string& path_or_url, const std::string& how_to_create) {
  if (!IsPostgresUrl(path_or_url) && access(path_or_url.c_str(), F_OK) != 0) {
    return Status::NotFound("no store at " + path_or_url + "; " +
                            (how_to_create.empty() ? "run 'impostor scan --db " + path_or_url + " ...' first"
                                                   : how_to_create));
  }
  return OpenStore(path_or_url);
}

std::string StoreName(const std::string& path_or_url) {
  return IsPostgresUrl(path_or_url) ? RedactPostgresUrl(path_or_url) : path_or_url;
}

}  // namespace impostor
