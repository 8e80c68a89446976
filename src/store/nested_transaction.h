// NestedTransaction: the Begin/Commit/Rollback nesting of every Store (store.h),
// written once for both databases. Only the outermost Begin/Commit pair is a
// database transaction, so a scan can wrap its steps (each of which opens its
// own) into one that commits all of them or none. A Rollback inside dooms the
// outer transaction: its Commit rolls it back and fails.
//
// It owns the bookkeeping only: the depth, the doomed flag, the order of the
// steps with the crash points store.begin, store.commit and store.committed
// (common/crash_point.h), and the messages that are the same for every database.
// The store supplies the statements of the outermost level (Database below):
// BEGIN, COMMIT, ROLLBACK, and whether its database still holds the transaction.
//
// Ownership and thread safety: a store owns its NestedTransaction, which refers
// to the store's Database without owning it. No locking of its own: it is used
// as its store is, from one thread at a time.
#ifndef IMPOSTOR_STORE_NESTED_TRANSACTION_H_
#define IMPOSTOR_STORE_NESTED_TRANSACTION_H_

#include <string>
#include <string_view>
#include <utility>

#include "common/status.h"

namespace impostor {

class NestedTransaction {
 public:
  // What a store supplies: the outermost level, in its database's SQL.
  class Database {
   public:
    virtual ~Database() = default;
    // Opens the database transaction (BEGIN, and the store's writer lock).
    virtual Status BeginOuter() = 0;
    // OK while the database transaction is open; else why it is not (the
    // database rolled it back by itself after an error, the connection is gone)
    // while `doing`.
    virtual Status CheckOuter(std::string_view doing) = 0;
    virtual Status CommitOuter() = 0;
    // ROLLBACK; OK without a statement when the database holds nothing to roll back.
    virtual Status RollbackOuter() = 0;
    // Ends whatever is left of the database transaction, ignoring errors.
    virtual void AbandonOuter() = 0;
  };

  // `name` is how messages name the store (Store::Name()).
  NestedTransaction(std::string name, Database& db) : name_(std::move(name)), db_(db) {}
  NestedTransaction(const NestedTransaction&) = delete;
  NestedTransaction& operator=(const NestedTransaction&) = delete;

  Status Begin();
  Status Commit();
  Status Rollback();

  // Levels open: 0 outside any Begin/Commit.
  int depth() const { return depth_; }

  // The error for a transaction the database rolled back by itself after an error.
  Status RolledBack() const;

 private:
  std::string name_;
  Database& db_;
  int depth_ = 0;
  bool doomed_ = false;
};

}  // namespace impostor

#endif  // IMPOSTOR_STORE_NESTED_TRANSACTION_H_
