// StoreTestBase: the fixture of tests that run on both stores, SQLite and
// PostgreSQL (a real server, PgTestServer): a temporary folder per test, a
// database per store name, and Raw() SQL outside impostor. Test support only.
#ifndef IMPOSTOR_STORE_STORE_TEST_BASE_H_
#define IMPOSTOR_STORE_STORE_TEST_BASE_H_

#include <sqlite3.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>

#include "store/pg_harness.h"
#include "store/postgres_store.h"
#include "store/store.h"

namespace impostor {

namespace fs = std::filesystem;

// The store suite runs on both stores: TEST_P(StoreTest, …) cases run once on
// SQLite and once on PostgreSQL (a real server, PgTestServer); TEST_F(SqliteStoreTest,
// …) cases are about SQLite files (damaged bytes, WAL, paths) and run on SQLite only.
enum class Backend { kSqlite, kPostgres };
inline void PrintTo(Backend b, std::ostream* os) { *os << (b == Backend::kSqlite ? "sqlite" : "postgres"); }

class StoreTestBase : public ::testing::Test {
 protected:
  virtual Backend backend() const = 0;

  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string(info->test_suite_name()) + "_" + info->name();
    for (char& c : name) {
      if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    }
    dir_ = fs::path(::testing::TempDir()) / ("impostor_store_" + std::to_string(::getpid()) + "_" + name);
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    if (backend() == Backend::kPostgres) {
      server_ = &PgTestServer::Shared();
      if (!server_->available()) GTEST_SKIP() << "PostgreSQL: " << server_->skip_reason();
    }
  }
  void TearDown() override {
    fs::remove_all(dir_);
    for (const auto& [name, db] : databases_) EXPECT_TRUE(server_->DropDatabase(db).ok()) << db;
  }

  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  // What --db would be for the store `name`: a file in the test's folder, or a
  // database of the test server (made on first use).
  std::string Where(const std::string& name) {
    if (backend() == Backend::kSqlite) return Path(name);
    auto it = databases_.find(name);
    if (it == databases_.end()) {
      const std::string db = "t" + std::to_string(::getpid()) + "_" + std::to_string(databases_.size());
      Status st = server_->CreateDatabase(db);
      EXPECT_TRUE(st.ok()) << st.ToString();
      it = databases_.emplace(name, db).first;
    }
    return server_->Url(it->second);
  }
  // How errors name the store `name`: its path, or its URL without the password.
  std::string Label(const std::string& name) {
    return backend() == Backend::kSqlite ? Path(name) : RedactPostgresUrl(Where(name));
  }

  std::unique_ptr<Store> Open(const std::string& name) {
    auto r = OpenStore(Where(name));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(r).value() : nullptr;
  }

  // Runs SQL on a store directly, outside impostor, on a connection of its own;
  // returns the first column of the first row of the last statement as text.
  std::string Raw(const std::string& name, const std::string& sql) {
    if (backend() == Backend::kPostgres) {
      const std::string url = Where(name);
      auto r = server_->Query(url.substr(url.rfind('/') + 1), sql);
      EXPECT_TRUE(r.ok()) << r.status().ToString();
      return r.ok() ? *r : "";
    }
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(Path(name).c_str(), &db), SQLITE_OK);
    std::string out;
    const char* rest = sql.c_str();
    while (rest && *rest) {
      sqlite3_stmt* s = nullptr;
      EXPECT_EQ(sqlite3_prepare_v2(db, rest, -1, &s, &rest), SQLITE_OK) << sqlite3_errmsg(db);
      if (s == nullptr) break;
      const int rc = sqlite3_step(s);
      EXPECT_TRUE(rc == SQLITE_ROW || rc == SQLITE_DONE) << sqlite3_errmsg(db);
      if (rc == SQLITE_ROW && sqlite3_column_text(s, 0)) out = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
      sqlite3_finalize(s);
    }
    sqlite3_close(db);
    return out;
  }

  // Loads every blob of `detector` into *out, by entity.
  static Status LoadStateMap(Store& store, std::string_view detector, std::map<std::string, std::string>* out) {
    return store.LoadState(detector, [out](std::string_view entity, std::string_view blob) {
      (*out)[std::string(entity)] = std::string(blob);
      return Status::OK();
    });
  }

  fs::path dir_;
  PgTestServer* server_ = nullptr;
  std::map<std::string, std::string> databases_;  // store name -> database
};

}  // namespace impostor

#endif  // IMPOSTOR_STORE_STORE_TEST_BASE_H_
